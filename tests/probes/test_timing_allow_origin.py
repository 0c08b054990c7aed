"""Timing-Allow-Origin: a page from one of the lab's origins may read the timing of what it loads
from another (Resource Timing), as /race does for its lanes: without it, a browser hides when each
request started and which protocol carried it (nextHopProtocol) from a cross-origin page."""

import pytest

import website
from lab import ENDPOINTS
from wire import http_client

TILE = next(iter(website.TILE_ASSETS))


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_every_response_lets_the_lab_s_pages_read_its_timing(endpoint):
    with http_client(endpoint, http2=True) as client:
        seen = {path: client.get(path).headers.get("timing-allow-origin") for path in ("/", TILE)}
    expected = dict.fromkeys(seen, website.RESPONSE_HEADERS["Timing-Allow-Origin"])
    assert seen == expected, f"{endpoint}: expected Timing-Allow-Origin {expected}, saw {seen}"
