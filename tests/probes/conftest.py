"""The probes: the running stack, on the wire."""

import pytest

import website
from clients.links import linked_assets
from lab import ENDPOINTS, Endpoint, lab_is_up  # noqa: F401 (the stack must answer)
from wire import http_client


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
