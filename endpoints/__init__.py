"""The lab's endpoints: the one table every part of the lab reads.

    python3 -m endpoints            the table, for a terminal (make endpoints)

The /endpoints page, the probes, the bench, the network emulator's far ports and
`make endpoints` all come from here. Each endpoint is published on its port
("near": loopback, no added delay) and on port + FAR_OFFSET ("far": every packet
crosses the lab's network emulator, see network/).
"""

from dataclasses import dataclass

FAR_OFFSET = 1000  # far port = port + 1000: 8443 → 9443
NETWORK_STATUS_PORT = 9440  # the network emulator's read-only status (HTTPS, JSON)


@dataclass(frozen=True)
class Endpoint:
    port: int  # the same on the host and on the compose network
    service: str  # the compose service that answers
    title: str
    protocols: tuple[str, ...]  # ALPN names, in the server's order of preference
    extras: tuple[str, ...] = ()  # "push", "early-hints", "alt-svc"
    # The server also listens for QUIC on the far port's number, and the network emulator sends
    # far UDP there, so the server knows which port an HTTP/3 client reached with no Host header
    # to read it from (nginx 1.26 builds none for HTTP/3) and can name it in Alt-Svc.
    quic_on_far_port: bool = False

    @property
    def pushes(self) -> bool:
        return "push" in self.extras

    @property
    def early_hints(self) -> bool:
        return "early-hints" in self.extras

    @property
    def http3(self) -> bool:
        return "h3" in self.protocols

    @property
    def http2(self) -> bool:
        return "h2" in self.protocols

    @property
    def tcp_protocols(self) -> tuple[str, ...]:
        return tuple(protocol for protocol in self.protocols if protocol != "h3")

    @property
    def far_port(self) -> int:
        return self.port + FAR_OFFSET

    @property
    def host_name(self) -> str:
        """The service's name as a TLS host name on the compose network: a host name has no "_",
        so compose.yaml gives quart_backend the alias quart-backend, and certs/server.cnf names it."""
        return self.service.replace("_", "-")


NGINX_FLASK = Endpoint(
    8443,
    "nginx",
    "nginx → Gunicorn/Flask (HTTP/1.1 upstream)",
    ("h2", "http/1.1", "h3"),
    ("alt-svc",),
    quic_on_far_port=True,
)
HYPERCORN_QUART = Endpoint(
    8444, "quart_backend", "Hypercorn → Quart", ("h2", "http/1.1", "h3"), ("push", "early-hints", "alt-svc")
)
GUNICORN_H2 = Endpoint(8445, "gunicorn_h2", "Gunicorn's own HTTP/2 → Flask", ("h2", "http/1.1"), ("early-hints",))
TWISTED = Endpoint(8446, "twisted_backend", "Twisted (the 2017 article's second way)", ("h2", "http/1.1"))
HTTP11_BASELINE = Endpoint(8447, "nginx", "HTTP/1.1 baseline: nginx → Gunicorn/Flask", ("http/1.1",))
GRANIAN_FLASK = Endpoint(8449, "granian_flask", "Granian → Flask (WSGI)", ("h2", "http/1.1"))
GRANIAN_QUART = Endpoint(8450, "granian_quart", "Granian → Quart (ASGI)", ("h2", "http/1.1"))
UVICORN_QUART = Endpoint(8451, "uvicorn_quart", "Uvicorn's HTTP/2 (zttp) → Quart", ("h2", "http/1.1"), ("early-hints",))
DAPHNE_DJANGO = Endpoint(8452, "django_backend", "Daphne → Django (Twisted's HTTP/2)", ("h2", "http/1.1"))
H2_BY_HAND = Endpoint(
    8453, "h2_by_hand", "HTTP/2 by hand on the h2 library", ("h2", "http/1.1"), ("push", "early-hints")
)
SANIC = Endpoint(8454, "sanic_backend", "Sanic: HTTP/3 and no HTTP/2", ("http/1.1", "h3"), ("alt-svc",))

# The published endpoints: on the host (near and far), on the landing page, probed.
ENDPOINTS = (
    NGINX_FLASK,
    HYPERCORN_QUART,
    GUNICORN_H2,
    TWISTED,
    HTTP11_BASELINE,
    GRANIAN_FLASK,
    GRANIAN_QUART,
    UVICORN_QUART,
    DAPHNE_DJANGO,
    H2_BY_HAND,
    SANIC,
)

# nginx serving the assets itself, no Python behind it: the bench's upper bound.
# Not published: only the bench reaches it, on the compose network.
STATIC_NGINX = Endpoint(8448, "nginx", "nginx serving the assets itself (upper bound)", ("h2", "http/1.1"))

# Granian's own static route on 8449: its Rust core serves the site's generated files (the
# tiles) with no Python in the way. compose.yaml's granian_flask command mounts it here; the
# bench measures it apart from what the app serves, the way 8448 is apart from 8443.
GRANIAN_FILES_ROUTE = "/granian-files"


@dataclass(frozen=True)
class RaisedWindow:
    """A server again, on a port of its own, with the window it gives an upload raised by a
    setting: the upload bench measures it beside the endpoint it raises (bench/uploads.py).
    Not published: only the far network reaches it."""

    endpoint: Endpoint  # its own port, and only the protocol whose window is raised
    of: Endpoint
    setting: str  # what was raised, as the server's configuration says it


RAISED_WINDOWS = (
    RaisedWindow(
        Endpoint(8460, "nginx", "nginx → Gunicorn/Flask, its HTTP/3 stream window raised", ("h3",)),
        NGINX_FLASK,
        "http3_stream_buffer_size 1m (64k by default)",  # nginx/h2lab/servers/upload_window.conf
    ),
    RaisedWindow(
        Endpoint(8461, "h2_by_hand", "HTTP/2 by hand, its windows raised", ("h2",)),
        H2_BY_HAND,
        "INITIAL_WINDOW_SIZE and the connection's window 16 MiB (h2's 65,535 by default)",  # h2_by_hand/server.py
    ),
)


def far_routes() -> list[tuple[int, str, str, int]]:
    """What the network emulator forwards: (far port, "tcp" or "udp", service, port)."""
    routes = []
    for endpoint in (*ENDPOINTS, *(raised.endpoint for raised in RAISED_WINDOWS)):
        if endpoint.tcp_protocols:
            routes.append((endpoint.far_port, "tcp", endpoint.service, endpoint.port))
        if endpoint.http3:
            quic_port = endpoint.far_port if endpoint.quic_on_far_port else endpoint.port
            routes.append((endpoint.far_port, "udp", endpoint.service, quic_port))
    return routes


def table() -> str:
    rows = [("port", "far", "what", "protocols", "extras")]
    rows += [(str(e.port), str(e.far_port), e.title, ", ".join(e.protocols), ", ".join(e.extras)) for e in ENDPOINTS]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    )


# POST /upload cases (service, protocol) a server cannot pass, and why: the bench measures and
# reports them, its check does not count them as a broken run, the probes hold them as strict xfails.
UPLOAD_FLAWS = {
    ("sanic_backend", "h3"): "Sanic 25.12: its HTTP/3 receiver runs the handler on the request's HEADERS, appends "
    "DATA to request.body after it, and ignores the stream's end: the app cannot read a body whole (501 here)",
}
