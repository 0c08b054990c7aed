"""Where a server's time goes (make bench's breakdown, bench/breakdown.py): the same tile,
answered at three depths of the same process, so that the difference between two is what
the layer between them costs.

    BARE_PATH       the server alone: a WSGI or ASGI callable (or the server's own handler)
                    answers the tile's bytes from memory before any framework sees the request
    FRAMEWORK_PATH  the framework: its routing, hooks and response object, the same bytes
                    from memory
    FILE_PATH       the path the lab serves: the framework's file response, read from disk

Every app mounts the first two beside its site (a server or framework with no such layer
does not): bare_wsgi and bare_asgi wrap an app; body() is the bytes they answer.
"""

from functools import cache

import website

FILE_PATH = "/static/tiles/r00c00.png"  # a small asset every server, and nginx itself, serves
BARE_PATH = "/layers/bare"
FRAMEWORK_PATH = "/layers/framework"
MEDIA_TYPE = "image/png"


@cache
def body() -> bytes:
    """The tile's bytes, read once."""
    return website.TILE_ASSETS[FILE_PATH].read_bytes()


@cache
def bare_headers() -> tuple[tuple[str, str], ...]:
    return (("content-type", MEDIA_TYPE), ("content-length", str(len(body()))))


@cache
def _asgi_headers() -> list[tuple[bytes, bytes]]:
    return [(name.encode(), value.encode()) for name, value in bare_headers()]


def bare_wsgi(app):
    """The WSGI app, with BARE_PATH answered before it (for Flask: app.wsgi_app = bare_wsgi(app.wsgi_app))."""

    def answer(environ, start_response):
        if environ.get("PATH_INFO") != BARE_PATH:
            return app(environ, start_response)
        start_response("200 OK", list(bare_headers()))
        return [body()]

    return answer


def bare_asgi(app):
    """The ASGI app, with BARE_PATH answered before it."""

    async def answer(scope, receive, send):
        if scope["type"] != "http" or scope["path"] != BARE_PATH:
            return await app(scope, receive, send)
        await send({"type": "http.response.start", "status": 200, "headers": _asgi_headers()})
        await send({"type": "http.response.body", "body": body(), "more_body": False})

    return answer
