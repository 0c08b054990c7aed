"""Where the probes point: the lab's endpoints, its CA, and what each promises.

The one place that knows addresses. From the host (the default) probes reach
the published ports on localhost; with LAB_NETWORK=1 they use the compose
service names instead, so the same probes run from a container on the network.
"""

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CA_FILE = Path(os.environ.get("LAB_CA_FILE", ROOT / "certs" / "ca.crt"))
ON_COMPOSE_NETWORK = os.environ.get("LAB_NETWORK") == "1"


@dataclass(frozen=True)
class Endpoint:
    name: str  # what it demonstrates, as the test report shows it
    service: str  # the compose service that answers
    port: int  # the same inside the network and on the host
    pushes: bool  # sends PUSH_PROMISE for the page's assets

    @property
    def host(self) -> str:
        return self.service if ON_COMPOSE_NETWORK else "localhost"

    @property
    def origin(self) -> str:
        return f"https://{self.host}:{self.port}"

    def __str__(self) -> str:
        return f"{self.name} ({self.origin})"


NGINX_FLASK = Endpoint("nginx→gunicorn-flask", "nginx", 8443, pushes=False)
HYPERCORN_QUART = Endpoint("hypercorn-quart", "quart_backend", 8444, pushes=True)

ENDPOINTS = [NGINX_FLASK, HYPERCORN_QUART]
