"""What the scale run loads, and who pays for it: every endpoint of the registry plus
nginx serving the files itself (and Granian's own file route, apart from the app), and
each Python server in its stock configuration
beside the lab's own (the stock ones: compose.yaml, profile stock); and for how long
and at how many connections (its plan: FULL, or QUICK for a smoke run)."""

from dataclasses import dataclass

from bench.ceiling import CEILING_LABEL
from endpoints import (
    ENDPOINTS,
    GRANIAN_FILES_ROUTE,
    GRANIAN_FLASK,
    GRANIAN_QUART,
    GUNICORN_H2,
    HTTP11_BASELINE,
    HYPERCORN_QUART,
    NGINX_FLASK,
    STATIC_NGINX,
    UVICORN_QUART,
    Endpoint,
)
from measure.h2load import PATH

# The containers behind an endpoint's own: a request to nginx → Flask costs both.
BEHIND = {NGINX_FLASK.port: ("flask_backend",), HTTP11_BASELINE.port: ("flask_backend",)}
PROTOCOLS = ("h2", "http/1.1")  # what h2load speaks, in the order the tables show them


@dataclass(frozen=True)
class Target:
    """Where h2load dials, over what, and which containers' counters make up the cost."""

    label: str  # the endpoint's port, or the service's name where it has no endpoint
    host: str  # a compose service
    port: int
    title: str
    protocols: tuple[str, ...]
    services: tuple[str, ...]
    cleartext: bool = False  # plain HTTP/1.1: a backend on the compose network
    path: str = PATH  # what h2load GETs


def endpoint_target(endpoint: Endpoint) -> Target:
    return Target(
        label=str(endpoint.port),
        host=endpoint.service,
        port=endpoint.port,
        title=endpoint.title,
        protocols=tuple(p for p in PROTOCOLS if p in endpoint.protocols),
        services=(endpoint.service, *BEHIND.get(endpoint.port, ())),
    )


SWEEP = [endpoint_target(endpoint) for endpoint in (*ENDPOINTS, STATIC_NGINX)]
# A server's own static route: swept like the rest, but it is not a way to serve the app,
# so it has no row of its own in "which should I use?", and its memory is its server's.
GRANIAN_OWN_FILES = Target(
    label="8449f",
    host=GRANIAN_FLASK.service,
    port=GRANIAN_FLASK.port,
    title="Granian's own static route (no Python)",
    protocols=PROTOCOLS,
    services=(GRANIAN_FLASK.service,),
    path=PATH.replace("/static", GRANIAN_FILES_ROUTE, 1),
)
OWN_ROUTES = [GRANIAN_OWN_FILES]


@dataclass(frozen=True)
class StockPair:
    """A Python server as the lab configures it, and as its documentation starts it."""

    server: str
    tuned: Target
    stock: Target


def _stock_of(tuned: Target, service: str) -> Target:
    return Target(service, service, tuned.port, f"{tuned.title}, stock", tuned.protocols, (service,), tuned.cleartext)


# Gunicorn behind nginx speaks plain HTTP/1.1 only: both are loaded directly, without nginx.
GUNICORN_BEHIND_NGINX = Target(
    "flask_backend", "flask_backend", 8000, "Gunicorn → Flask (behind nginx)", ("http/1.1",), ("flask_backend",), True
)
STOCK_PAIRS = [
    StockPair("Gunicorn (behind nginx)", GUNICORN_BEHIND_NGINX, _stock_of(GUNICORN_BEHIND_NGINX, "stock_gunicorn")),
    StockPair("Hypercorn", endpoint_target(HYPERCORN_QUART), _stock_of(endpoint_target(HYPERCORN_QUART), "stock_hypercorn")),
    StockPair("Gunicorn HTTP/2", endpoint_target(GUNICORN_H2), _stock_of(endpoint_target(GUNICORN_H2), "stock_gunicorn_h2")),
    StockPair("Granian WSGI", endpoint_target(GRANIAN_FLASK), _stock_of(endpoint_target(GRANIAN_FLASK), "stock_granian_flask")),
    StockPair("Granian ASGI", endpoint_target(GRANIAN_QUART), _stock_of(endpoint_target(GRANIAN_QUART), "stock_granian_quart")),
    StockPair("Uvicorn (zttp)", endpoint_target(UVICORN_QUART), _stock_of(endpoint_target(UVICORN_QUART), "stock_uvicorn_quart")),
]  # fmt: skip
STOCK_SERVICES = [pair.stock.host for pair in STOCK_PAIRS]

# Where a service's settings live when its command only names a file (read into the results).
CONFIG_FILES = {
    "flask_backend": "flask_backend/gunicorn.conf.py",
    "gunicorn_h2": "flask_backend/gunicorn_h2.conf.py",
    "quart_backend": "quart_backend/hypercorn.toml",
    "h2_by_hand": "h2_by_hand/http2.py",
    "twisted_backend": "twisted_backend/server.py",
    "nginx": "nginx/nginx.conf",
}


STOCK_CONNECTIONS = 64  # where stock and lab configurations are compared


@dataclass(frozen=True)
class Plan:
    connections: tuple[int, ...]
    every_protocol: bool  # False: HTTP/2 where offered, else HTTP/1.1
    seconds: int  # each point's measured window
    warm_up: int
    idle_connections: int
    idle_seconds: int  # how long each container is watched idle
    flood_initials: int = 3000  # QUIC Initials at each HTTP/3 server (bench/flood.py)
    flood_wait: int = 65  # seconds after a flood its memory is read again: past 60 s idle timeouts

    def protocols(self, target: Target) -> tuple[str, ...]:
        """The ceiling (bench/ceiling.py) over every protocol, in every plan: each point needs its own."""
        return target.protocols if self.every_protocol or target.label == CEILING_LABEL else target.protocols[:1]


FULL = Plan(
    connections=(1, 8, 64, 256), every_protocol=True, seconds=8, warm_up=2, idle_connections=500, idle_seconds=6
)
QUICK = Plan(
    connections=(64,),
    every_protocol=False,
    seconds=2,
    warm_up=1,
    idle_connections=50,
    idle_seconds=3,
    flood_initials=1000,
    flood_wait=10,
)
