"""Unit tests of the Twisted resource with Twisted's own request helper (run in its image)."""

import pytest
from twisted.web.test.requesthelper import DummyRequest

import website
from server import SiteFiles

TILE, TILE_FILE = next(iter(website.TILE_ASSETS.items()))
SITE = {**website.PAGES, **website.ASSETS, TILE: TILE_FILE}


def get(path: str) -> DummyRequest:
    request = DummyRequest(path.strip("/").split("/") if path != "/" else [b""])
    request.path = path.encode()
    request.write(SiteFiles().render_GET(request))
    return request


@pytest.mark.parametrize("path", SITE)
def test_serves_the_site_file(path):
    request = get(path)
    assert request.responseCode in (None, 200)
    assert b"".join(request.written) == SITE[path].read_bytes()
    assert request.responseHeaders.getRawHeaders(b"timing-allow-origin") == [b"*"]


def test_unknown_path_is_404():
    assert get("/static/nothing.js").responseCode == 404
