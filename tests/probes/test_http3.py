"""HTTP/3: a real QUIC client gets the same bytes, and TCP responses advertise it."""

import pytest

from lab import ENDPOINTS, HTTP3_ENDPOINTS
from served import site_bytes
from wire import h3_get_all, http_client

by_name = {"ids": lambda endpoint: endpoint.name}


@pytest.mark.parametrize("endpoint", HTTP3_ENDPOINTS, **by_name)
def test_same_bytes_over_http3(endpoint):
    expected = site_bytes(endpoint)  # fetched over TCP
    responses = h3_get_all(endpoint, list(expected))
    for path, body in expected.items():
        seen = responses[path]
        assert (seen.status, seen.body == body) == (200, True), (
            f"{endpoint}{path} over h3: expected 200 and the {len(body)} bytes TCP gave, "
            f"saw {seen.status} with {len(seen.body)} bytes"
        )


@pytest.mark.parametrize("endpoint", HTTP3_ENDPOINTS, **by_name)
def test_alt_svc_on_tcp_names_the_h3_port(endpoint):
    with http_client(endpoint, http2=True) as client:
        alt_svc = client.get("/").headers.get("alt-svc", "")
    expected = f'h3=":{endpoint.port}"'
    assert expected in alt_svc, f"{endpoint}/: expected Alt-Svc to contain {expected}, saw {alt_svc!r}"


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if not e.http3], **by_name)
def test_no_alt_svc_where_there_is_no_http3(endpoint):
    with http_client(endpoint, http2=True) as client:
        alt_svc = client.get("/").headers.get("alt-svc")
    assert alt_svc is None, f"{endpoint}/: serves no HTTP/3, yet sent Alt-Svc {alt_svc!r}"
