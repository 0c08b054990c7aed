"""ALPN: every endpoint picks h2 when offered, and serves HTTP/1.1 clients too."""

import pytest

from lab import ENDPOINTS
from wire import http_client, negotiated_alpn

by_name = {"ids": lambda endpoint: endpoint.name}


@pytest.mark.parametrize("endpoint", ENDPOINTS, **by_name)
def test_selects_h2_when_client_offers_h2_and_http11(endpoint):
    selected = negotiated_alpn(endpoint, ["h2", "http/1.1"])
    assert selected == "h2", f"{endpoint}: offered h2 and http/1.1, expected h2, server selected {selected!r}"


@pytest.mark.parametrize("endpoint", ENDPOINTS, **by_name)
def test_selects_http11_when_client_offers_only_http11(endpoint):
    selected = negotiated_alpn(endpoint, ["http/1.1"])
    assert selected == "http/1.1", f"{endpoint}: offered only http/1.1, server selected {selected!r}"


@pytest.mark.parametrize("http2", [True, False], ids=["over-h2", "over-http1.1"])
@pytest.mark.parametrize("endpoint", ENDPOINTS, **by_name)
def test_page_is_served(endpoint, http2):
    expected = ("HTTP/2" if http2 else "HTTP/1.1", 200)
    with http_client(endpoint, http2=http2) as client:
        response = client.get("/")
    seen = (response.http_version, response.status_code)
    assert seen == expected, f"{endpoint}/: expected {expected}, saw {seen}"
