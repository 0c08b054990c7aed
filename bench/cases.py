"""What make bench measures: pages, and every endpoint over every protocol it offers
(plus HTTP/1.1 everywhere, the baseline a browser falls back to)."""

from dataclasses import dataclass

from endpoints import ENDPOINTS, Endpoint

PAGES = {"jumbotron": "/", "tiles": "/tiles"}  # 3 assets; 120 small images


@dataclass(frozen=True)
class Case:
    endpoint: Endpoint
    protocol: str  # "http/1.1", "h2", "h2+push", "h3"

    @property
    def label(self) -> str:
        return f"{self.endpoint.port} {self.protocol}"


def protocols(endpoint: Endpoint) -> list[str]:
    offered = ["http/1.1"] + (["h2"] if "h2" in endpoint.protocols else [])
    return offered + (["h2+push"] if endpoint.pushes else []) + (["h3"] if endpoint.http3 else [])


CASES = [Case(endpoint, protocol) for endpoint in ENDPOINTS for protocol in protocols(endpoint)]


def upload_protocols(endpoint: Endpoint) -> list[str]:
    """What an upload case covers: HTTP/1.1 everywhere, HTTP/2 and HTTP/3 where offered."""
    return ["http/1.1"] + [protocol for protocol in ("h2", "h3") if protocol in endpoint.protocols]


# The priorities case's signals (bench/streams.py): RFC 9218's header and RFC 7540's PRIORITY
# information over HTTP/2, and RFC 9218's header over HTTP/3.
PRIORITY_SIGNALS = ("rfc9218", "rfc7540")
PRIORITY_OVER_HTTP3 = "rfc9218-h3"
# Chromium's own signals, on the /priorities page (bench/browser_priorities.py), over HTTP/2 and HTTP/3.
CHROMIUM_OVER_HTTP2, CHROMIUM_OVER_HTTP3 = "chromium", "chromium-h3"
