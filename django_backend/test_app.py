"""Unit tests of the Django app with Django's test client, and of what Daphne needs to speak
HTTP/2 with the lab's TLS (run in its image)."""

import asyncio
import hashlib
import os

import django
import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
django.setup()

from asgi import application  # noqa: E402
from django.test import Client  # noqa: E402 (after django.setup)

import website  # noqa: E402
from website import layers, upload  # noqa: E402

TILE, TILE_FILE = next(iter(website.TILE_ASSETS.items()))
SITE = {**website.PAGES, **website.ASSETS, TILE: TILE_FILE}


@pytest.mark.parametrize("path", SITE)
def test_serves_the_site_file_and_says_the_protocol_it_received(path):
    response = Client().get(path)
    assert response.status_code == 200
    assert response.content == SITE[path].read_bytes()
    assert response["Content-Type"].startswith(website.media_type(SITE[path]))
    assert response["X-Backend-Protocol"] == "HTTP/1.1"
    assert {name: response[name] for name in website.RESPONSE_HEADERS} == website.RESPONSE_HEADERS


def test_unknown_path_is_404():
    assert Client().get("/static/nothing.js").status_code == 404


def test_health():
    assert Client().get(website.HEALTH_PATH).content == b"ok\n"


def test_twisted_has_its_http2_extra():
    """Without twisted[http2], Daphne serves HTTP/1.1 only and says so once, in its log."""
    from twisted.web import http

    assert http.H2_ENABLED, "twisted[http2] is missing: Daphne would offer only http/1.1"


def test_daphne_finds_the_lab_s_tls_endpoint():
    from twisted.internet.interfaces import IStreamServerEndpointStringParser
    from twisted.plugin import getPlugins

    prefixes = [plugin.prefix for plugin in getPlugins(IStreamServerEndpointStringParser)]
    assert "labtls" in prefixes, f"expected the labtls endpoint among Twisted's, saw {prefixes}"


def test_upload_answers_the_length_and_digest_of_what_it_read():
    body = bytes(range(256)) * 1000
    response = Client().post(upload.PATH, data=body, content_type="application/octet-stream")
    assert response.status_code == 200
    assert response.json() == {"length": len(body), "sha256": hashlib.sha256(body).hexdigest()}


def test_upload_declared_over_the_limit_is_413():
    response = Client().generic("POST", upload.PATH, b"x", CONTENT_LENGTH=str(upload.LIMIT + 1))
    assert response.status_code == 413


def test_the_bench_framework_layer_answers_the_tile_from_memory():
    response = Client().get(layers.FRAMEWORK_PATH)
    assert response.status_code == 200, f"expected 200, saw {response.status_code}"
    assert response.content == website.TILE_ASSETS[layers.FILE_PATH].read_bytes()
    assert response["Content-Type"] == layers.MEDIA_TYPE


def test_the_bench_bare_layer_is_answered_before_django():
    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": "GET", "path": layers.BARE_PATH, "headers": [], "query_string": b""}
    asyncio.run(application(scope, receive, send))
    assert sent[0]["status"] == 200, f"expected 200, saw {sent}"
    assert sent[1]["body"] == website.TILE_ASSETS[layers.FILE_PATH].read_bytes()
