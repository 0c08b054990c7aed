"""Sanic serving the site over HTTP/1.1 and HTTP/3, with no HTTP/2 at all: the one Python
framework whose newest protocol skipped the one before it (compose.yaml runs it with
`--http=1 --http=3` on TCP and UDP 8454).

Every response names the HTTP/3 port in Alt-Svc, the port the client reached (8454, or the
far 9454), to the lab's names only (website.alt_svc), as the other servers do. Sanic 25.12
writes an Alt-Svc of its own into every HTTP/1.1 response, after the app's headers: the
port it listens on, to every client (so a client of the far port would be sent to the near
one). It does so by rewriting its own code at start (its "touchup" of Http.http1_response_header);
the lab's rewrite below removes that line instead.

POST /upload streams over HTTP/1.1: the body is hashed as it arrives (website/upload.py), one
declared over the limit is refused with 413 before it is read (a streaming route skips Sanic's
own check), and REQUEST_MAX_SIZE stops one that grows past it. Over HTTP/3 Sanic 25.12 cannot
take a body: it runs the handler as soon as the request's HEADERS arrive, then appends each
DATA to request.body, and nothing marks the end of it (its HTTP/3 receiver has no read() and
ignores the stream's end), so the handler answers 501 rather than a digest of a part.

Header names are written lowercase: HTTP/3 requires them so (RFC 9114 4.2), and Sanic sends
them as they are spelled, its own Last-Modified of a file response too.
"""

from sanic import Request, Sanic, response
from sanic.exceptions import NotFound
from sanic.touchup.schemes import BaseScheme
from sanic.touchup.schemes.altsvc import AltSvcCheck, RemoveAltSvc

import website
from website import layers, upload

app = Sanic("h2lab")
app.config.REQUEST_MAX_SIZE = upload.LIMIT


class RemoveSanicsAltSvc(RemoveAltSvc):
    def _should_remove(self) -> bool:
        return True


class AltSvcFromTheApp(AltSvcCheck):
    """Replaces Sanic's Alt-Svc touchup (scheme classes register themselves when defined)."""

    def visitors(self) -> list:
        return [RemoveSanicsAltSvc(self.app, self.app.state.verbosity)]


BaseScheme._registry.discard(AltSvcCheck)


@app.get(website.HEALTH_PATH)
async def health(request: Request) -> response.HTTPResponse:
    return response.text("ok\n")


@app.get(layers.FRAMEWORK_PATH)
async def tile_from_memory(request: Request) -> response.HTTPResponse:
    """The bench's framework layer (website/layers.py); Sanic is its own server, so it has no bare one."""
    return response.raw(layers.body(), content_type=layers.MEDIA_TYPE)


@app.post(upload.PATH, stream=True)
async def received(request: Request) -> response.HTTPResponse:
    if upload.declared_too_large(request.headers.get("content-length")):
        return response.text(upload.TOO_LARGE, status=413)
    if not hasattr(request.stream, "read"):  # HTTP/3: see above
        return response.text("Sanic 25.12 cannot read an HTTP/3 request body to its end\n", status=501)
    body = upload.Received()
    while (chunk := await request.stream.read()) is not None:
        body.add(chunk)
    if body.too_large:
        return response.text(upload.TOO_LARGE, status=413)
    return response.raw(body.answer(), content_type=upload.MEDIA_TYPE)


@app.get("/", name="page")
@app.get("/<name:path>")
async def site_file(request: Request, name: str = "") -> response.HTTPResponse:
    file = website.file_for(request.path)
    if file is None:
        raise NotFound("not a path of the site")
    return await response.file(file, mime_type=website.media_type(file))


@app.on_response
async def site_headers(request: Request, sent: response.HTTPResponse) -> None:
    sent.headers["x-backend-protocol"] = f"HTTP/{request.version}"
    sent.headers.update({name.lower(): value for name, value in website.RESPONSE_HEADERS.items()})
    advertised = website.alt_svc(request.host)
    if advertised:
        sent.headers["alt-svc"] = advertised
    for name in [name for name in sent.headers if name != name.lower()]:  # Sanic's Last-Modified
        values = sent.headers.getall(name)
        del sent.headers[name]
        sent.headers.extend((name.lower(), value) for value in values)
