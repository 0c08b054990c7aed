"""Quart served directly over TLS: by Hypercorn (HTTP/2 and HTTP/3, push and Early Hints),
and by Granian and Uvicorn (compose.yaml), each with what its ASGI scope offers.

Where the server speaks HTTP/3 (Hypercorn: ADVERTISE_HTTP3=1) every response names
the HTTP/3 port in Alt-Svc (serve.py says why here); elsewhere none is advertised.
GET / first sends 103 Early Hints (preload the stylesheet and scripts), then
promises those assets with server push, then sends the page, each only where the
server offers it: Hypercorn sends a PUSH_PROMISE only when the client's settings
allow push (SETTINGS_ENABLE_PUSH), and 103 only over HTTP/2 and HTTP/3.

POST /upload reads the body as it arrives and answers its length and digest
(website/upload.py); Quart refuses one over the limit with 413 (MAX_CONTENT_LENGTH),
before reading it when its Content-Length says so.
The bench's layers (website/layers.py): the tile from memory before Quart, and through it.
"""

import os

from quart import Quart, Response, abort, make_push_promise, request, send_file

import website
from website import layers, upload

ADVERTISE_HTTP3 = os.environ.get("ADVERTISE_HTTP3") == "1"

app = Quart(__name__, static_folder=None)
app.config["MAX_CONTENT_LENGTH"] = upload.LIMIT


class EarlyHints:
    """ASGI middleware: 103 Early Hints for the page, where the server offers them.

    Quart has no API for 103; Hypercorn, and Uvicorn over HTTP/2, take the ASGI
    message http.response.early_hint when the scope lists that extension.
    """

    def __init__(self, asgi_app, links: dict[str, list[str]]) -> None:
        self.asgi_app = asgi_app
        self.links = {path: [link.encode() for link in links] for path, links in links.items()}

    async def __call__(self, scope, receive, send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"] in self.links
            and "http.response.early_hint" in (scope.get("extensions") or {})
        ):
            await send({"type": "http.response.early_hint", "links": self.links[scope["path"]]})
        await self.asgi_app(scope, receive, send)


app.asgi_app = layers.bare_asgi(EarlyHints(app.asgi_app, {"/": website.PRELOAD_LINKS}))


@app.get(website.HEALTH_PATH)
async def health() -> str:
    return "ok\n"


@app.get("/")
async def index() -> Response:
    for path in website.ASSETS:
        await make_push_promise(path)
    return await site_file()


@app.get(layers.FRAMEWORK_PATH)
async def tile_from_memory() -> Response:
    return Response(layers.body(), mimetype=layers.MEDIA_TYPE)


@app.post(upload.PATH)
async def received() -> Response:
    received = upload.Received()
    async for chunk in request.body:
        received.add(chunk)
    return Response(received.answer(), mimetype=upload.MEDIA_TYPE)


@app.get("/<path:name>")
async def site_file(name: str | None = None) -> Response:
    file = website.file_for(request.path) or abort(404)
    return await send_file(file, mimetype=website.media_type(file))


@app.after_request
async def site_headers(response: Response) -> Response:
    response.headers["X-Backend-Protocol"] = f"HTTP/{request.http_version}"
    response.headers.update(website.RESPONSE_HEADERS)
    return response


@app.after_request
async def alt_svc(response: Response) -> Response:
    """HTTP/3 on the UDP port of the same number as the one the client reached (8444, or the far 9444)."""
    advertised = website.alt_svc(request.host) if ADVERTISE_HTTP3 else None
    if advertised:
        response.headers["Alt-Svc"] = advertised
    return response
