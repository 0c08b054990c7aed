"""Server push, frame by frame: who sends PUSH_PROMISE, for what, and when not."""

import pytest

from clients.links import linked_assets
from lab import HTTP2_ENDPOINTS
from wire import h2_get

by_name = {"ids": lambda endpoint: endpoint.name}
PUSHING = [endpoint for endpoint in HTTP2_ENDPOINTS if endpoint.pushes]
NOT_PUSHING = [endpoint for endpoint in HTTP2_ENDPOINTS if not endpoint.pushes]


@pytest.mark.parametrize("endpoint", PUSHING, **by_name)
def test_pushes_exactly_the_css_and_js_the_page_links(endpoint):
    exchange = h2_get(endpoint, "/", enable_push=True)
    linked = linked_assets(exchange.response.body)
    assert linked, f"{endpoint}/: the page links no stylesheet or script"
    assert sorted(exchange.promised_paths) == sorted(linked), (
        f"{endpoint}/: expected PUSH_PROMISE for {sorted(linked)}, saw {sorted(exchange.promised_paths)}"
    )


@pytest.mark.parametrize("endpoint", PUSHING, **by_name)
def test_each_pushed_body_is_byte_identical_to_a_get(endpoint):
    exchange = h2_get(endpoint, "/", enable_push=True)
    assert exchange.pushed.keys() == set(exchange.promised_paths) and exchange.pushed, (
        f"{endpoint}/: expected a 200 response on every promised stream of {exchange.promised_paths}, "
        f"saw responses for {sorted(exchange.pushed)}"
    )
    for path, pushed in exchange.pushed.items():
        fetched = h2_get(endpoint, path, enable_push=False).response
        assert (pushed.status, pushed.body) == (200, fetched.body), (
            f"{endpoint}{path}: pushed {pushed.status} with {len(pushed.body)} bytes, "
            f"GET gave {fetched.status} with {len(fetched.body)} bytes; expected 200 and the same bytes"
        )


@pytest.mark.parametrize("endpoint", HTTP2_ENDPOINTS, **by_name)
def test_no_push_promise_when_client_sends_enable_push_0(endpoint):
    exchange = h2_get(endpoint, "/", enable_push=False)
    assert exchange.response.status == 200, f"{endpoint}/: expected 200, saw {exchange.response.status}"
    assert exchange.promised_paths == [], (
        f"{endpoint}/: SETTINGS_ENABLE_PUSH=0, expected no PUSH_PROMISE, saw {exchange.promised_paths}"
    )


@pytest.mark.parametrize("endpoint", NOT_PUSHING, **by_name)
def test_push_absent_even_when_client_allows_it(endpoint):
    exchange = h2_get(endpoint, "/", enable_push=True)
    assert exchange.response.status == 200, f"{endpoint}/: expected 200, saw {exchange.response.status}"
    assert exchange.promised_paths == [], f"{endpoint}/: expected no PUSH_PROMISE, saw {exchange.promised_paths}"
