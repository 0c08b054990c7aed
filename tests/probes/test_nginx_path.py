"""nginx terminates HTTP/2 (or HTTP/1.1) and speaks HTTP/1.1 to Gunicorn/Flask behind it."""

import pytest

from lab import HTTP11_BASELINE, NGINX_FLASK
from wire import http_client


@pytest.mark.parametrize(
    "endpoint, client_protocol",
    [(NGINX_FLASK, "HTTP/2"), (HTTP11_BASELINE, "HTTP/1.1")],
    ids=["8443-h2-to-nginx", "8447-http1.1-to-nginx"],
)
def test_flask_receives_http11_whatever_the_client_speaks(endpoint, client_protocol):
    with http_client(endpoint, http2=True) as client:
        response = client.get("/")
    seen = {"client": response.http_version, "backend": response.headers.get("x-backend-protocol")}
    expected = {"client": client_protocol, "backend": "HTTP/1.1"}
    assert seen == expected, f"{endpoint}/: expected {expected}, saw {seen}"
