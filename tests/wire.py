"""The lab's clients (clients/), bound to where the probes point (lab.py) and to the lab's CA."""

import ssl

import httpx

from clients import http2, http3, tls
from lab import CA_FILE, Endpoint

TIMEOUT = 10.0


def tls_context(alpn: list[str] | None = None) -> ssl.SSLContext:
    return tls.client_context(str(CA_FILE), alpn)


def http_client(endpoint: Endpoint, *, http2: bool) -> httpx.Client:
    """httpx for plain requests: HTTP/2 (ALPN h2, http/1.1) or HTTP/1.1 only."""
    alpn = ["h2", "http/1.1"] if http2 else ["http/1.1"]
    return httpx.Client(base_url=endpoint.origin, http2=http2, verify=tls_context(alpn), timeout=TIMEOUT)


def open_tls(endpoint: Endpoint, context: ssl.SSLContext, server_name: str | None = None) -> ssl.SSLSocket:
    return tls.open_tls(endpoint.host, endpoint.port, context, server_name=server_name, timeout=TIMEOUT)


def negotiated_alpn(endpoint: Endpoint, offered: list[str]) -> str | None:
    """The protocol the server selects from the ALPN list a client offers."""
    with open_tls(endpoint, tls_context(offered)) as connection:
        return connection.selected_alpn_protocol()


def h2_get(endpoint: Endpoint, path: str = "/", *, enable_push: bool) -> http2.H2Exchange:
    return http2.h2_get(endpoint.host, endpoint.port, path, ca_file=str(CA_FILE), enable_push=enable_push)


def h3_get_all(endpoint: Endpoint, paths: list[str]) -> dict[str, http3.H3Response]:
    return http3.h3_get_all(endpoint.host, endpoint.port, paths, ca_file=str(CA_FILE))
