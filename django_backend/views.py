"""The site's files through Django, and the headers every server of the lab sends.

Views and middleware are async, so under Daphne a request never leaves the event loop for a
thread: a stream the client resets cancels its request where it runs (rapid reset, with the
sync ones, left asyncio.CancelledError tracebacks from Django's thread pool in the log).
"""

from collections.abc import Awaitable, Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.decorators import async_only_middleware

import website
from website import layers, upload


async def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


async def site_file(request: HttpRequest) -> HttpResponse:
    """The file, whole (the largest is the 225 KB stylesheet): an async view streams a file
    response through a thread, a chunk at a time."""
    file = website.file_for(request.path)
    if file is None:
        raise Http404("not a path of the site")
    return HttpResponse(file.read_bytes(), content_type=website.media_type(file))


async def tile_from_memory(request: HttpRequest) -> HttpResponse:
    """The bench's framework layer (website/layers.py): the tile's bytes through Django."""
    return HttpResponse(layers.body(), content_type=layers.MEDIA_TYPE)


async def received(request: HttpRequest) -> HttpResponse:
    """POST /upload: the body's length and digest (website/upload.py). Daphne has read all of
    it before Django sees the request (Twisted keeps it in a temporary file), and Django's ASGI
    handler copies it into another (memory up to 2.5 MB, then /tmp): so this reads a copy, and
    a body over the limit is refused only once it has arrived."""
    if request.method != "POST":
        return HttpResponse("only POST here\n", status=405, headers={"Allow": "POST"})
    if upload.declared_too_large(request.META.get("CONTENT_LENGTH")):
        return HttpResponse(upload.TOO_LARGE, status=413, content_type="text/plain")
    body = upload.Received()
    while (chunk := request.read(65536)) and body.add(chunk):
        pass
    if body.too_large:
        return HttpResponse(upload.TOO_LARGE, status=413, content_type="text/plain")
    return HttpResponse(body.answer(), content_type=upload.MEDIA_TYPE)


def received_over(request: HttpRequest) -> str:
    """HTTP/2 or HTTP/1.1: the ASGI scope's http_version under Daphne (Django's ASGI requests
    set no SERVER_PROTOCOL), SERVER_PROTOCOL under a WSGI caller (Django's test client)."""
    scope = getattr(request, "scope", None)
    return f"HTTP/{scope['http_version']}" if scope else request.META["SERVER_PROTOCOL"]


@async_only_middleware
def site_headers(
    get_response: Callable[[HttpRequest], Awaitable[HttpResponse]],
) -> Callable[[HttpRequest], Awaitable[HttpResponse]]:
    """Middleware: what the server received (Daphne: HTTP/2 or HTTP/1.1), and Timing-Allow-Origin."""

    async def respond(request: HttpRequest) -> HttpResponse:
        response = await get_response(request)
        response["X-Backend-Protocol"] = received_over(request)
        for name, value in website.RESPONSE_HEADERS.items():
            response[name] = value
        return response

    return respond
