"""HTTP/3: a real QUIC client gets the same bytes, and responses advertise it to the lab's names."""

import socket

import httpx
import pytest

from lab import ENDPOINTS, HTTP3_ENDPOINTS
from served import site_bytes
from wire import h3_get_all, http_client, tls_context

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


@pytest.mark.parametrize("endpoint", HTTP3_ENDPOINTS, **by_name)
def test_alt_svc_over_http3_names_the_h3_port_too(endpoint):
    """A browser told to use QUIC (Chromium's --origin-to-force-quic-on) needs Alt-Svc over HTTP/3
    as well: without it, Chromium takes the origin for one that cannot multiplex."""
    response = h3_get_all(endpoint, ["/"])["/"]
    alt_svc = dict(response.headers).get("alt-svc", "")
    expected = f'h3=":{endpoint.port}"'
    assert expected in alt_svc, f"{endpoint}/ over h3: expected Alt-Svc to contain {expected}, saw {alt_svc!r}"


@pytest.mark.parametrize("endpoint", HTTP3_ENDPOINTS, **by_name)
def test_no_alt_svc_to_a_client_that_came_by_address(endpoint):
    """The lab offers HTTP/3 to its names only: /race's HTTP/2 lane reaches the same server by address."""
    address = socket.gethostbyname(endpoint.host)
    with httpx.Client(http2=True, verify=tls_context(["h2", "http/1.1"]), timeout=10) as client:
        response = client.get(f"https://{address}:{endpoint.port}/", extensions={"sni_hostname": endpoint.host})
    alt_svc = response.headers.get("alt-svc")
    assert response.status_code == 200 and alt_svc is None, (
        f"{endpoint} reached as https://{address}:{endpoint.port}/: expected 200 and no Alt-Svc, "
        f"saw {response.status_code} and {alt_svc!r}"
    )
