"""The /race page: the same 120 tiles over HTTP/1.1, HTTP/2 and (where the server speaks it)
HTTP/3, one lane after the other, across the lab's far network, for a presenter's projector.

Each lane loads the tiles straight from a far port (port + 1000: every packet crosses the
network emulator), with a query string no cache has seen, after one request that opens its
connection. It then shows the protocol the browser reported (Resource Timing's
nextHopProtocol: every server sends Timing-Allow-Origin) and a waterfall of the tiles,
grouped by connection. The page itself is race.html; this fills in what it races. It
leaves `window.race` for tests: {contender, lanes: [{kind, protocol, ms, failed,
connections, max_in_flight, tiles: [...]}], profile, network_shown, done}.
"""

import json
from pathlib import Path

from endpoints import ENDPOINTS, HTTP11_BASELINE, NETWORK_STATUS_PORT, Endpoint
from website import tiles

TEMPLATE = Path(__file__).with_name("race.html")


def lane(endpoint: Endpoint) -> dict:
    """What the page needs to know of an endpoint it races."""
    return {
        "port": endpoint.port,
        "far_port": endpoint.far_port,
        "title": endpoint.title,
        "protocols": list(endpoint.protocols),
    }


def settings() -> dict:
    return {
        "baseline": lane(HTTP11_BASELINE),
        "contenders": [lane(endpoint) for endpoint in ENDPOINTS if endpoint.http2 or endpoint.http3],
        "tiles": tiles.NAMES,
        "columns": tiles.COLUMNS,
        "tile_size": tiles.TILE_SIZE,
        "status_port": NETWORK_STATUS_PORT,
    }


def page() -> str:
    return TEMPLATE.read_text().replace("SETTINGS_JSON", json.dumps(settings()))
