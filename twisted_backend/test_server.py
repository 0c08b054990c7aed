"""Unit tests of the Twisted resource with Twisted's own request helper (run in its image)."""

import hashlib
import json

import pytest
from twisted.web.test.requesthelper import DummyRequest

import website
from server import HashingRequest, SiteFiles
from website import layers, upload

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
    seen = {name: request.responseHeaders.getRawHeaders(name.encode()) for name in website.RESPONSE_HEADERS}
    assert seen == {name: [value.encode()] for name, value in website.RESPONSE_HEADERS.items()}


def test_unknown_path_is_404():
    assert get("/static/nothing.js").responseCode == 404


def post_upload(chunks: list[bytes], path: str = upload.PATH) -> DummyRequest:
    request = DummyRequest(path.strip("/").split("/"))
    request.path = path.encode()
    request.method = b"POST"
    request.received = upload.Received()
    for chunk in chunks:
        HashingRequest.handleContentChunk(request, chunk)
    request.write(SiteFiles().render_POST(request))
    return request


def test_upload_answers_the_length_and_digest_of_what_arrived():
    chunks = [bytes(range(256)) * 100] * 5
    request = post_upload(chunks)
    assert request.responseCode in (None, 200)
    assert json.loads(b"".join(request.written)) == {
        "length": 128000,
        "sha256": hashlib.sha256(b"".join(chunks)).hexdigest(),
    }


def test_upload_over_the_limit_is_413():
    assert post_upload([b"x" * (upload.LIMIT + 1)]).responseCode == 413


def test_post_elsewhere_is_405():
    assert post_upload([b"x"], "/").responseCode == 405


def test_the_bench_bare_layer_answers_the_tile_from_memory():
    request = get(layers.BARE_PATH)
    assert request.responseCode in (None, 200)
    assert b"".join(request.written) == website.TILE_ASSETS[layers.FILE_PATH].read_bytes()
    assert request.responseHeaders.getRawHeaders(b"content-type") == [layers.MEDIA_TYPE.encode()]
