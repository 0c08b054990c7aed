"""Flask, served two ways by Gunicorn: behind nginx over plain HTTP/1.1, and
directly over TLS with Gunicorn's own HTTP/2 (gunicorn_h2.conf.py).

Every response says which protocol Flask itself received, so a client talking
HTTP/2 to nginx can see that nginx spoke HTTP/1.1 to the backend. Where the
Gunicorn config asks for it (SEND_EARLY_HINTS=1), GET / first sends 103 Early
Hints through Gunicorn's wsgi.early_hints. POST /upload reads the body as it arrives and
answers its length and digest (website/upload.py); Werkzeug refuses a body over the limit
with 413 (MAX_CONTENT_LENGTH), before reading it when its Content-Length says so.
The bench's layers (website/layers.py): the tile from memory before Flask, and through it.
"""

import os

from flask import Flask, Response, abort, request, send_file
from gunicorn.http2.errors import HTTP2StreamError

import website
from website import layers, upload

SEND_EARLY_HINTS = os.environ.get("SEND_EARLY_HINTS") == "1"

app = Flask(__name__, static_folder=None)
app.config["MAX_CONTENT_LENGTH"] = upload.LIMIT
app.wsgi_app = layers.bare_wsgi(app.wsgi_app)


@app.get(website.HEALTH_PATH)
def health() -> str:
    return "ok\n"


@app.get("/")
def index() -> Response:
    send_early_hints = request.environ.get("wsgi.early_hints")
    if SEND_EARLY_HINTS and send_early_hints:
        send_early_hints([("Link", link) for link in website.PRELOAD_LINKS])
    return site_file()


@app.get(layers.FRAMEWORK_PATH)
def tile_from_memory() -> Response:
    return Response(layers.body(), mimetype=layers.MEDIA_TYPE)


@app.post(upload.PATH)
def received() -> Response:
    received = upload.Received()
    try:
        while chunk := request.stream.read(65536):
            received.add(chunk)
    except HTTP2StreamError:
        # The client went before its body was whole. Werkzeug says so with ClientDisconnected
        # (a 400, as here); Gunicorn's own HTTP/2 raises its own error, which Flask would log as
        # a crash of the app's. Nobody is left to read the answer.
        abort(400)
    return Response(received.answer(), mimetype=upload.MEDIA_TYPE)


@app.get("/<path:name>")
def site_file(name: str | None = None) -> Response:
    file = website.file_for(request.path) or abort(404)
    return send_file(file, mimetype=website.media_type(file))


@app.after_request
def site_headers(response: Response) -> Response:
    response.headers["X-Backend-Protocol"] = request.environ["SERVER_PROTOCOL"]
    response.headers.update(website.RESPONSE_HEADERS)
    return response
