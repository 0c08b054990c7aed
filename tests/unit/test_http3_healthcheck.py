"""The HTTP/3 healthcheck (endpoints/http3-healthcheck.sh) runs in exactly the services that
serve HTTP/3: where none is served it would fail every check, and its second failure in a row
ends the server (the stock Hypercorn once got it by a copied line, and never became healthy)."""

import re
from pathlib import Path

from endpoints import ENDPOINTS

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = (ROOT / "compose.yaml").read_text()


def service_blocks() -> dict[str, str]:
    """Each compose service's lines, by name (the services: section, two-space indented names)."""
    services = COMPOSE[COMPOSE.index("\nservices:\n") : COMPOSE.index("\nnetworks:\n")]
    parts = re.split(r"^  ([a-z0-9_]+):", services, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_http3_service_and_no_other_checks_http3():
    serving = {endpoint.service for endpoint in ENDPOINTS if endpoint.http3}
    checking = {name for name, block in service_blocks().items() if "http3-healthcheck.sh" in block}
    assert checking == serving, (
        f"compose.yaml: expected the HTTP/3 healthcheck in {sorted(serving)}, the services that serve HTTP/3, "
        f"found it in {sorted(checking)}"
    )


def test_the_services_are_all_read():
    assert {"nginx", "quart_backend", "sanic_backend", "stock_hypercorn", "bench"} <= service_blocks().keys()
