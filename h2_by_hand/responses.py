"""What this server answers, whatever the protocol: the shared site's files, as every server
of the lab serves them (website/), with the headers they all send."""

from dataclasses import dataclass, field

import website
from website import layers, upload

SERVER = "h2-by-hand"


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""
    pushed: list[str] = field(default_factory=list)  # paths worth pushing with it (the page's assets)
    early_hints: list[str] = field(default_factory=list)  # Link values for a 103 before it


def respond(method: str, path: str, protocol: str) -> Response:
    """The response to `method path` received over `protocol` ("HTTP/2" or "HTTP/1.1")."""
    path = path.split("?", 1)[0]
    if path == layers.BARE_PATH and method == "GET":  # the bench's bare layer (website/layers.py)
        return Response(200, list(layers.bare_headers()), layers.body())
    headers = [("server", SERVER), ("x-backend-protocol", protocol), *website.RESPONSE_HEADERS.items()]
    if method not in ("GET", "HEAD"):
        return Response(405, [*headers, ("allow", "GET, HEAD"), ("content-length", "0")])
    if path == website.HEALTH_PATH:
        return text(200, "ok\n", headers)
    file = website.file_for(path)
    if file is None:
        return text(404, "not found\n", headers)
    body = file.read_bytes()
    media_type = website.media_type(file) + ("; charset=utf-8" if file.suffix in (".html", ".css", ".js") else "")
    response = Response(200, [*headers, ("content-type", media_type), ("content-length", str(len(body)))], body)
    if path == "/":
        response.pushed = list(website.ASSETS)
        response.early_hints = website.PRELOAD_LINKS
    if method == "HEAD":
        response.body = b""
    return response


def takes_body(method: str, path: str) -> bool:
    """Whether the request is an upload, read before it is answered (every other gets its answer
    at once, and any body it brings is read and dropped)."""
    return method == "POST" and path.split("?", 1)[0] == upload.PATH


def uploaded(received: upload.Received | None, protocol: str) -> Response:
    """The answer to POST /upload: the body's length and digest, or 413 (None: its
    Content-Length said it was too large, and it was not read)."""
    headers = [("server", SERVER), ("x-backend-protocol", protocol), *website.RESPONSE_HEADERS.items()]
    if received is None or received.too_large:
        return text(413, upload.TOO_LARGE, headers)
    body = received.answer()
    return Response(200, [*headers, ("content-type", upload.MEDIA_TYPE), ("content-length", str(len(body)))], body)


def text(status: int, message: str, headers: list[tuple[str, str]]) -> Response:
    body = message.encode()
    return Response(
        status, [*headers, ("content-type", "text/plain; charset=utf-8"), ("content-length", str(len(body)))], body
    )
