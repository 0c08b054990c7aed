"""The headers that let a page from one of the lab's origins use what it loads from another,
as /race does for its lanes: Timing-Allow-Origin (without it, a browser hides when each request
started and which protocol carried it, nextHopProtocol, from a cross-origin page) and
Access-Control-Allow-Origin (the race loads its tiles in CORS mode: website.RESPONSE_HEADERS
says why)."""

import pytest

import website
from lab import ENDPOINTS
from wire import http_client

TILE = next(iter(website.TILE_ASSETS))


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_every_response_lets_the_lab_s_pages_load_it_and_read_its_timing(endpoint):
    with http_client(endpoint, http2=True) as client:
        replies = {path: client.get(path) for path in ("/", TILE)}
    seen = {
        path: {name: reply.headers.get(name) for name in website.RESPONSE_HEADERS} for path, reply in replies.items()
    }
    expected = dict.fromkeys(seen, website.RESPONSE_HEADERS)
    assert seen == expected, f"{endpoint}: expected on / and a tile the headers {expected}, saw {seen}"
