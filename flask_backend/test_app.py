"""Unit tests of the Flask app with Flask's test client (run in its image)."""

import pytest

import website
from app import app

TILE, TILE_FILE = next(iter(website.TILE_ASSETS.items()))
SITE = {**website.PAGES, **website.ASSETS, TILE: TILE_FILE}


@pytest.mark.parametrize("path", SITE)
def test_serves_the_site_file_and_says_the_protocol_it_received(path):
    response = app.test_client().get(path)
    assert response.status_code == 200
    assert response.data == SITE[path].read_bytes()
    assert response.headers["X-Backend-Protocol"] == "HTTP/1.1"
    assert response.headers["Timing-Allow-Origin"] == "*"


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
