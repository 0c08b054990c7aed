"""What make bench measures: pages, endpoints and protocols, and the round trips
physics alone imposes on each (the lower bound printed beside every measurement)."""

import math
from dataclasses import dataclass

from endpoints import ENDPOINTS, Endpoint

PAGES = {"jumbotron": "/", "tiles": "/tiles"}  # 3 assets; 120 small images
MAX_HTTP1_CONNECTIONS = 6


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


def lower_bound_rtts(protocol: str, warm: bool, assets: int, pushed: int, streams_per_round: int) -> int:
    """Round trips no client can avoid: handshakes (TCP + TLS 1.3, or QUIC), the page,
    then the assets not pushed, as many at a time as connections or streams allow."""
    handshakes = 0 if warm else (1 if protocol == "h3" else 2)
    requested = assets - pushed
    return handshakes + 1 + (math.ceil(requested / streams_per_round) if requested > 0 else 0)
