"""What an endpoint serves: its pages and every asset they link, fetched once per test
process (the parity and HTTP/3 probes compare against it)."""

import functools

import website
from clients.links import linked_assets
from lab import Endpoint
from wire import http_client


@functools.cache
def site_bytes(endpoint: Endpoint) -> dict[str, bytes]:
    """The endpoint's pages (the Jumbotron, the tiles, /endpoints) and every asset they link, over HTTP/2."""
    fetched = {}
    with http_client(endpoint, http2=True) as client:
        for page in website.PAGES:
            html = client.get(page).raise_for_status().content
            fetched |= {page: html} | {
                path: client.get(path).raise_for_status().content for path in linked_assets(html)
            }
    return fetched
