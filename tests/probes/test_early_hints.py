"""103 Early Hints: preload links for the page's assets, before the 200, where promised."""

import pytest

from clients.links import linked_assets
from lab import HTTP2_ENDPOINTS
from wire import h2_get

by_name = {"ids": lambda endpoint: endpoint.name}
HINTING = [endpoint for endpoint in HTTP2_ENDPOINTS if endpoint.early_hints]
NOT_HINTING = [endpoint for endpoint in HTTP2_ENDPOINTS if not endpoint.early_hints]


def preloaded_paths(link_values: list[str]) -> list[str]:
    """The targets of `<path>; rel=preload` links."""
    return [value.split(">")[0].strip("< ") for value in link_values if "rel=preload" in value]


@pytest.mark.parametrize("endpoint", HINTING, **by_name)
def test_103_preloads_the_page_assets_before_the_200(endpoint):
    exchange = h2_get(endpoint, "/", enable_push=False)
    statuses = [response.status for response in exchange.informational] + [exchange.response.status]
    assert statuses == [103, 200], f"{endpoint}/: expected statuses [103, 200] in that order, saw {statuses}"
    links = [value for header in exchange.informational[0].values("link") for value in header.split(",")]
    expected = linked_assets(exchange.response.body)
    assert sorted(preloaded_paths(links)) == sorted(expected), (
        f"{endpoint}/: expected the 103 to preload {sorted(expected)}, saw link headers {links}"
    )


@pytest.mark.parametrize("endpoint", NOT_HINTING, **by_name)
def test_early_hints_absent(endpoint):
    exchange = h2_get(endpoint, "/", enable_push=False)
    statuses = [response.status for response in exchange.informational]
    assert statuses == [], f"{endpoint}/: expected no informational response, saw {statuses}"
    assert exchange.response.status == 200, f"{endpoint}/: expected 200, saw {exchange.response.status}"
