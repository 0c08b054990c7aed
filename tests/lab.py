"""Where the probes point: the lab's endpoints (the endpoints package) and its CA.

The one place that knows addresses. From the host (the default) probes reach
the published ports on localhost; with LAB_NETWORK=1 they use the compose
service names instead, so the same probes run from a container on the network.
"""

import os
import socket
from pathlib import Path

import pytest

import endpoints

ROOT = Path(__file__).resolve().parent.parent
CA_FILE = Path(os.environ.get("LAB_CA_FILE", ROOT / "certs" / "ca.crt"))
ON_COMPOSE_NETWORK = os.environ.get("LAB_NETWORK") == "1"


class Endpoint(endpoints.Endpoint):
    """An endpoint of the table, as the probes reach it."""

    @property
    def host(self) -> str:
        return self.host_name if ON_COMPOSE_NETWORK else "localhost"

    @property
    def far_host(self) -> str:
        """Where the far port is: the host's published one, or the emulator's on the compose network."""
        return "network" if ON_COMPOSE_NETWORK else "localhost"

    @property
    def origin(self) -> str:
        return f"https://{self.host}:{self.port}"

    @property
    def name(self) -> str:
        return f"{self.port}-{self.service}"

    def __str__(self) -> str:
        return f"{self.title} ({self.origin})"


def _reached(endpoint: endpoints.Endpoint) -> Endpoint:
    return Endpoint(**vars(endpoint))


ENDPOINTS = [_reached(endpoint) for endpoint in endpoints.ENDPOINTS]
NGINX_FLASK = _reached(endpoints.NGINX_FLASK)
HTTP11_BASELINE = _reached(endpoints.HTTP11_BASELINE)
H2_BY_HAND = _reached(endpoints.H2_BY_HAND)
HYPERCORN_QUART = _reached(endpoints.HYPERCORN_QUART)
HTTP2_ENDPOINTS = [endpoint for endpoint in ENDPOINTS if "h2" in endpoint.protocols]
HTTP3_ENDPOINTS = [endpoint for endpoint in ENDPOINTS if endpoint.http3]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop at once, saying what to do, when the stack is not answering: once, when the run
    starts (in pytest-xdist's controller, not in each worker, where a worker that starts late
    could find a port closed by another one's fault, a server restarting)."""
    if hasattr(session.config, "workerinput"):
        return
    if not CA_FILE.exists():
        pytest.exit(f"no CA certificate at {CA_FILE}: run make up (it makes the certificates)", returncode=3)
    unreachable = []
    for endpoint in ENDPOINTS:
        try:
            socket.create_connection((endpoint.host, endpoint.port), timeout=3).close()
        except OSError as error:
            unreachable.append(f"{endpoint}: {error.strerror or error}")
    if unreachable:
        pytest.exit("the lab is not up (" + "; ".join(unreachable) + "): run make up", returncode=3)
