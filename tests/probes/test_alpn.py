"""ALPN: each endpoint picks its protocol, and serves the page over either."""

import pytest

from lab import ENDPOINTS
from wire import http_client, negotiated_alpn

by_name = {"ids": lambda endpoint: endpoint.name}


@pytest.mark.parametrize("endpoint", ENDPOINTS, **by_name)
def test_selects_its_preferred_protocol_when_client_offers_h2_and_http11(endpoint):
    expected = endpoint.tcp_protocols[0]  # h2, or http/1.1 on the baseline
    selected = negotiated_alpn(endpoint, ["h2", "http/1.1"])
    assert selected == expected, (
        f"{endpoint}: offered h2 and http/1.1, expected {expected}, server selected {selected!r}"
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS, **by_name)
def test_selects_http11_when_client_offers_only_http11(endpoint):
    selected = negotiated_alpn(endpoint, ["http/1.1"])
    assert selected == "http/1.1", f"{endpoint}: offered only http/1.1, server selected {selected!r}"


@pytest.mark.parametrize("offer_h2", [True, False], ids=["offering-h2", "offering-http1.1"])
@pytest.mark.parametrize("endpoint", ENDPOINTS, **by_name)
def test_page_is_served(endpoint, offer_h2):
    version = "HTTP/2" if offer_h2 and "h2" in endpoint.protocols else "HTTP/1.1"
    with http_client(endpoint, http2=offer_h2) as client:
        response = client.get("/")
    seen = (response.http_version, response.status_code)
    assert seen == (version, 200), f"{endpoint}/: expected {(version, 200)}, saw {seen}"
