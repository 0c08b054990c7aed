import socket

import pytest

import website
from lab import CA_FILE, ENDPOINTS, Endpoint
from website.links import linked_assets
from wire import http_client


@pytest.fixture(scope="session", autouse=True)
def lab_is_up() -> None:
    """Stop at once, saying what to do, when the stack is not answering."""
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


@pytest.fixture(scope="session")
def page_bytes() -> dict[Endpoint, dict[str, bytes]]:
    """Each endpoint's pages (the Jumbotron, the tiles, /endpoints) and every asset they link."""
    fetched = {}
    for endpoint in ENDPOINTS:
        with http_client(endpoint, http2=True) as client:
            fetched[endpoint] = {}
            for page in website.PAGES:
                html = client.get(page).raise_for_status().content
                fetched[endpoint] |= {page: html} | {
                    path: client.get(path).raise_for_status().content for path in linked_assets(html)
                }
    return fetched
