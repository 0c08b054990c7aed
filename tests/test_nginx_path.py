"""nginx terminates HTTP/2 and speaks HTTP/1.1 to Gunicorn/Flask behind it."""

from lab import NGINX_FLASK
from wire import http_client


def test_client_gets_http2_while_flask_receives_http11():
    with http_client(NGINX_FLASK, http2=True) as client:
        response = client.get("/")
    seen = {"client": response.http_version, "backend": response.headers.get("x-backend-protocol")}
    expected = {"client": "HTTP/2", "backend": "HTTP/1.1"}
    assert seen == expected, f"{NGINX_FLASK}/: expected {expected}, saw {seen}"
