"""The bench's page-load client keeps a browser's scheduling rules, on the real servers."""

import asyncio

import pytest

from clients.events import Origin
from clients.loaders import make_loader
from endpoints import HTTP11_BASELINE, HYPERCORN_QUART, NGINX_FLASK
from lab import CA_FILE, ENDPOINTS

by_port = {endpoint.port: endpoint for endpoint in ENDPOINTS}


def cold_then_warm(port: int, protocol: str, page: str):
    endpoint = by_port[port]
    origin = Origin(endpoint.host, endpoint.port, endpoint.host)

    async def two_loads():
        loader = make_loader(protocol, origin, str(CA_FILE))
        try:
            return await loader.load(page), await loader.load(page)
        finally:
            await loader.close()

    return asyncio.run(two_loads())


@pytest.mark.parametrize(
    "port, protocol, page, connections",
    [
        (HTTP11_BASELINE.port, "http/1.1", "/tiles", 6),  # 120 images: at most 6 connections
        (HTTP11_BASELINE.port, "http/1.1", "/", 3),  # 3 assets: the page's connection and 2 more
        (NGINX_FLASK.port, "h2", "/tiles", 1),
        (NGINX_FLASK.port, "h3", "/tiles", 1),
        (HYPERCORN_QUART.port, "h2+push", "/", 1),
    ],
)
def test_connections_and_every_asset_fetched_once(port, protocol, page, connections):
    cold, warm = cold_then_warm(port, protocol, page)
    seen = {"connections": (cold.connections, warm.connections), "fetches per path": set(cold.fetched.values())}
    expected = {"connections": (connections, 0), "fetches per path": {1}}
    assert seen == expected, f"{port} {protocol} {page}: expected {expected} (cold, warm), saw {seen}"


def test_pushed_assets_are_not_requested_again():
    cold, _ = cold_then_warm(HYPERCORN_QUART.port, "h2+push", "/")
    assert sorted(cold.pushed) == sorted(set(cold.fetched) - {"/"}), (
        f"{HYPERCORN_QUART.port} h2+push /: expected every asset pushed, pushed {cold.pushed}, fetched {dict(cold.fetched)}"
    )
