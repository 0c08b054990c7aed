"""Where the time goes, per Python server: the same tile answered at each depth of the same
process (website/layers.py), loaded the same way, in the same run, in the same units.

    bare       the server alone: TLS, HTTP/2 (or HTTP/1.1) and a minimal WSGI or ASGI callable
    framework  the framework routing to a handler that answers the same bytes from memory
    file       the path the lab serves: the framework's file response
    own        the server's own static route, where it has one (Granian's, no Python)

The difference between two layers is what the one between them costs: the stacked chart
(charts.py) and the table (scale_report.py) show it in CPU per request, from the
server's cgroup, beside requests/s judged against the ceiling (ceiling.py).
"""

from dataclasses import dataclass, replace

from bench import docker
from bench.points import load_point
from bench.targets import GRANIAN_OWN_FILES, GUNICORN_BEHIND_NGINX, STOCK_CONNECTIONS, Plan, Target, endpoint_target
from endpoints import (
    DAPHNE_DJANGO,
    GRANIAN_FLASK,
    GRANIAN_QUART,
    GUNICORN_H2,
    H2_BY_HAND,
    HYPERCORN_QUART,
    SANIC,
    TWISTED,
    UVICORN_QUART,
)
from website import layers

LAYERS = ("bare", "framework", "file")  # bottom up
PATHS = {"bare": layers.BARE_PATH, "framework": layers.FRAMEWORK_PATH, "file": layers.FILE_PATH}


@dataclass(frozen=True)
class Server:
    name: str
    framework: str  # what the framework layer is; "" where the server has none of its own
    target: Target  # where, over what and at whose cost: the file layer
    layers: tuple[str, ...] = LAYERS
    own_route: Target | None = None

    def targets(self) -> list[tuple[str, Target]]:
        measured = [(layer, replace(self.target, path=PATHS[layer])) for layer in self.layers]
        return measured + ([("own", self.own_route)] if self.own_route else [])


SERVERS = [
    Server("Gunicorn (behind nginx)", "Flask", GUNICORN_BEHIND_NGINX),
    Server("Gunicorn HTTP/2", "Flask", endpoint_target(GUNICORN_H2)),
    Server("Granian WSGI", "Flask", endpoint_target(GRANIAN_FLASK), own_route=GRANIAN_OWN_FILES),
    Server("Hypercorn", "Quart", endpoint_target(HYPERCORN_QUART)),
    Server("Granian ASGI", "Quart", endpoint_target(GRANIAN_QUART)),
    Server("Uvicorn (zttp)", "Quart", endpoint_target(UVICORN_QUART)),
    Server("Daphne", "Django", endpoint_target(DAPHNE_DJANGO)),
    # twisted.web is its own framework: a Resource answers the bytes, or reads the file.
    Server("Twisted", "", endpoint_target(TWISTED), ("bare", "file")),
    # Python h2 with nothing else: its handler answers the bytes, or reads the file.
    Server("h2 by hand", "", endpoint_target(H2_BY_HAND), ("bare", "file")),
    # Sanic is its own server: nothing answers before the framework does.
    Server("Sanic", "Sanic", endpoint_target(SANIC), ("framework", "file")),
]


def measure(bench: docker.BenchContainer, plan: Plan, names: dict, idle: dict, progress) -> list[dict]:
    """Each server's layers one after the other, at STOCK_CONNECTIONS over its first protocol."""
    rows = []
    for server in SERVERS:
        for layer, target in server.targets():
            protocol = target.protocols[0]
            point = load_point(bench, target, protocol, STOCK_CONNECTIONS, plan, names, idle)
            rows.append(
                {"server": server.name, "framework": server.framework, "layer": layer, "tls": not target.cleartext}
                | point
            )
            progress(
                f"breakdown {server.name} {layer} ({target.path}) {protocol} ×{STOCK_CONNECTIONS}: "
                f"{point['requests_per_second']:.0f} req/s, {point['cpu_seconds_per_1000']} CPU s per 1000"
            )
    return rows


def stack(rows: list[dict]) -> list[tuple[str, float | None]]:
    """One server's rows as a stack, bottom up: each measured layer's CPU ms per request less
    the layer's below it (None where a layer has no CPU figure). The own route is beside the stack."""
    segments, below = [], 0.0
    for layer in LAYERS:
        row = next((r for r in rows if r["layer"] == layer), None)
        if row is None:
            continue
        cost = row["cpu_seconds_per_1000"]
        segments.append((layer, None if cost is None else round(cost - below, 4)))
        below = cost if cost is not None else below
    return segments
