"""The site every endpoint of the lab serves: the Jumbotron page and its assets,
the /endpoints landing page, the many-assets /tiles page, /race (the tiles
over HTTP/1.1 against HTTP/2, across the far network), and /matrix (every endpoint against
every feature, as last published), and /priorities (a browser's own priority signals put
to each server).

One source for all servers, so that any difference a client sees is the
protocol and the server, never the content. The stylesheet and scripts come
from Debian's libjs-bootstrap5 and libjs-jquery, installed in every image.
"""

import ipaddress
from pathlib import Path

from website import tiles

HERE = Path(__file__).parent
JAVASCRIPT = Path("/usr/share/javascript")
GENERATED = HERE / "generated"  # made at image build: python3 -m website.generate

PAGES = {
    "/": HERE / "index.html",
    "/endpoints": GENERATED / "endpoints.html",
    "/tiles": GENERATED / "tiles.html",
    "/race": GENERATED / "race.html",
    "/matrix": GENERATED / "matrix.html",
    "/priorities": GENERATED / "priorities.html",
}
# The published matrix (bench/matrix.py writes it), made into /matrix at image build.
PUBLISHED_MATRIX = HERE.parent / "docs" / "matrix.md"

# The stylesheet and scripts index.html links, in the order it links them.
ASSETS = {
    "/static/css/bootstrap.min.css": JAVASCRIPT / "bootstrap5/css/bootstrap.min.css",
    "/static/js/jquery.min.js": JAVASCRIPT / "jquery/jquery.min.js",
    "/static/js/bootstrap.bundle.min.js": JAVASCRIPT / "bootstrap5/js/bootstrap.bundle.min.js",
}

TILE_ASSETS = {f"/static/tiles/{name}": GENERATED / "tiles" / name for name in tiles.NAMES}

# Media types; the frameworks add "; charset=utf-8" to text types themselves.
MEDIA_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".png": "image/png",
}

HEALTH_PATH = "/healthz"

# What a server that sends 103 Early Hints says before the page: preload its assets.
PRELOAD_LINKS = [f"<{path}>; rel=preload; as={'style' if path.endswith('.css') else 'script'}" for path in ASSETS]


# On every response, for pages from another of the lab's origins (/race loads its lanes' tiles
# so): Timing-Allow-Origin lets them read the timing (Resource Timing: when each request
# started, its first byte, and nextHopProtocol, which a browser hides from a cross-origin page
# without it); Access-Control-Allow-Origin lets them load it in CORS mode, which /race does:
# a cross-origin image loaded without CORS is an opaque response, and Firefox's opaque-response
# blocking judges it by the first piece of body to arrive, cancelling a tile whose first
# HTTP/3 packet carried a byte or two of it (docs/network.md). Everything the lab serves is public.
RESPONSE_HEADERS = {"Timing-Allow-Origin": "*", "Access-Control-Allow-Origin": "*"}


def alt_svc(host: str) -> str | None:
    """Alt-Svc for a request to `host` (its Host or :authority, with the port): HTTP/3 on the
    UDP port of that number (8444, or the far 9444). None when there is no port, or when the
    client came by address (127.0.0.1, [::1]): the lab offers HTTP/3 to its names only, so that
    /race can keep one lane on HTTP/2 to the same server. nginx's alt_svc.conf says the same."""
    name, _, port = host.rpartition(":")
    if not port.isdigit() or not name:
        return None
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return f'h3=":{port}"; ma=86400'
    return None


def file_for(path: str) -> Path | None:
    """The file served at a URL path, or None when the site has no such path."""
    return PAGES.get(path) or ASSETS.get(path) or TILE_ASSETS.get(path)


def media_type(file: Path) -> str:
    return MEDIA_TYPES.get(file.suffix, "application/octet-stream")
