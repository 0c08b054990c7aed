"""Unit tests of the Flask app with Flask's test client (run in its image)."""

import hashlib
import io

import pytest

import website
from app import app
from website import layers, upload

TILE, TILE_FILE = next(iter(website.TILE_ASSETS.items()))
SITE = {**website.PAGES, **website.ASSETS, TILE: TILE_FILE}


@pytest.mark.parametrize("path", SITE)
def test_serves_the_site_file_and_says_the_protocol_it_received(path):
    response = app.test_client().get(path)
    assert response.status_code == 200
    assert response.data == SITE[path].read_bytes()
    assert response.headers["X-Backend-Protocol"] == "HTTP/1.1"
    assert {name: response.headers[name] for name in website.RESPONSE_HEADERS} == website.RESPONSE_HEADERS


def test_unknown_path_is_404():
    assert app.test_client().get("/static/nothing.js").status_code == 404


def test_health():
    assert app.test_client().get(website.HEALTH_PATH).status_code == 200


@pytest.mark.parametrize("send_early_hints", [True, False])
def test_page_sends_early_hints_only_where_configured(monkeypatch, send_early_hints):
    import app as app_module

    sent = []
    monkeypatch.setattr(app_module, "SEND_EARLY_HINTS", send_early_hints)
    response = app.test_client().get("/", environ_base={"wsgi.early_hints": sent.append})
    assert response.status_code == 200
    expected = [[("Link", link) for link in website.PRELOAD_LINKS]] if send_early_hints else []
    assert sent == expected


def test_upload_answers_the_length_and_digest_of_what_it_read():
    body = bytes(range(256)) * 1000
    response = app.test_client().post(upload.PATH, data=body)
    assert response.status_code == 200
    assert response.get_json() == {"length": len(body), "sha256": hashlib.sha256(body).hexdigest()}


def test_upload_over_the_limit_is_413_before_its_body_is_read():
    unread = io.BytesIO(b"x" * 10)
    declared = {"CONTENT_LENGTH": str(upload.LIMIT + 1)}  # as the server passes it on
    response = app.test_client().post(upload.PATH, input_stream=unread, environ_overrides=declared)
    assert response.status_code == 413
    assert unread.tell() == 0


@pytest.mark.parametrize("path", [layers.BARE_PATH, layers.FRAMEWORK_PATH])
def test_the_bench_layers_answer_the_tile_from_memory(path):
    response = app.test_client().get(path)
    assert response.status_code == 200, f"{path}: expected 200, saw {response.status_code}"
    assert response.data == website.TILE_ASSETS[layers.FILE_PATH].read_bytes()
    assert response.headers["Content-Type"] == layers.MEDIA_TYPE
