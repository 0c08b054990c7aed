"""Quart served directly over TLS by Hypercorn: HTTP/2 with server push.

On GET / over HTTP/2 it promises the page's stylesheet and scripts before the
page itself. Hypercorn only sends a PUSH_PROMISE when the client's settings
allow push (SETTINGS_ENABLE_PUSH), so a client that refuses push gets none.
"""

from quart import Quart, Response, abort, make_push_promise, request, send_file

import website

app = Quart(__name__, static_folder=None)


@app.get(website.HEALTH_PATH)
async def health() -> str:
    return "ok\n"


@app.get("/")
async def index() -> Response:
    for path in website.ASSETS:
        await make_push_promise(path)
    return await site_file()


@app.get("/static/<path:name>")
async def site_file(name: str | None = None) -> Response:
    file = website.file_for(request.path) or abort(404)
    return await send_file(file, mimetype=website.media_type(file))


@app.after_request
async def tell_protocol(response: Response) -> Response:
    response.headers["X-Backend-Protocol"] = f"HTTP/{request.http_version}"
    return response
