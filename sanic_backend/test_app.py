"""Unit tests of the Sanic app with Sanic's test client (run in its image)."""

import hashlib

import pytest

import website
from app import app
from website import layers, upload

TILE, TILE_FILE = next(iter(website.TILE_ASSETS.items()))
SITE = {**website.PAGES, **website.ASSETS, TILE: TILE_FILE}


@pytest.mark.parametrize("path", SITE)
def test_serves_the_site_file_and_says_the_protocol_it_received(path):
    _, response = app.test_client.get(path)
    assert response.status == 200
    assert response.body == SITE[path].read_bytes()
    assert response.headers["X-Backend-Protocol"] == "HTTP/1.1"
    assert {name: response.headers[name] for name in website.RESPONSE_HEADERS} == website.RESPONSE_HEADERS


def test_unknown_path_is_404():
    _, response = app.test_client.get("/static/nothing.js")
    assert response.status == 404


@pytest.mark.parametrize(
    "host, expected",
    [("localhost:8454", 'h3=":8454"; ma=86400'), ("localhost:9454", 'h3=":9454"; ma=86400'), ("127.0.0.1:9454", None)],
)
def test_alt_svc_names_the_port_the_client_reached_to_names_only(host, expected):
    _, response = app.test_client.get(website.HEALTH_PATH, headers={"Host": host})
    assert response.headers.get("Alt-Svc") == expected, f"Host {host}: saw {response.headers.get('Alt-Svc')!r}"


def test_upload_answers_the_length_and_digest_of_what_it_read():
    body = bytes(range(256)) * 1000
    _, response = app.test_client.post(upload.PATH, content=body)
    assert response.status == 200
    assert response.json == {"length": len(body), "sha256": hashlib.sha256(body).hexdigest()}


def test_the_bench_framework_layer_answers_the_tile_from_memory():
    _, response = app.test_client.get(layers.FRAMEWORK_PATH)
    assert response.status == 200, f"expected 200, saw {response.status}"
    assert response.body == website.TILE_ASSETS[layers.FILE_PATH].read_bytes()
    assert response.headers["Content-Type"] == layers.MEDIA_TYPE
