"""Flask behind nginx: served by Gunicorn over plain HTTP/1.1.

Every response says which protocol Flask itself received, so a client talking
HTTP/2 to nginx can see that nginx spoke HTTP/1.1 to the backend.
"""

from flask import Flask, Response, abort, request, send_file

import website

app = Flask(__name__, static_folder=None)


@app.get(website.HEALTH_PATH)
def health() -> str:
    return "ok\n"


@app.get("/")
@app.get("/static/<path:name>")
def site_file(name: str | None = None) -> Response:
    file = website.file_for(request.path) or abort(404)
    return send_file(file, mimetype=website.media_type(file))


@app.after_request
def tell_protocol(response: Response) -> Response:
    response.headers["X-Backend-Protocol"] = request.environ["SERVER_PROTOCOL"]
    return response
