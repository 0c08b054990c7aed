"""Unit tests of the Quart app with Quart's test client (run in its image)."""

import asyncio
import hashlib
import json

import pytest

import app as app_module
import website
from app import EarlyHints, app
from website import layers, upload

TILE, TILE_FILE = next(iter(website.TILE_ASSETS.items()))
SITE = {**website.PAGES, **website.ASSETS, TILE: TILE_FILE}


def get(path: str, http_version: str):
    async def request():
        client = app.test_client()
        response = await client.get(path, http_version=http_version)
        return response, await response.get_data(), [pushed for pushed, _headers in client.push_promises]

    return asyncio.run(request())


def alt_svc_for(host: str) -> str | None:
    async def request():
        return await app.test_client().get(website.HEALTH_PATH, headers={"Host": host})

    return asyncio.run(request()).headers.get("Alt-Svc")


@pytest.mark.parametrize("path", SITE)
def test_serves_the_site_file(path):
    response, body, _ = get(path, "2")
    assert response.status_code == 200
    assert body == SITE[path].read_bytes()
    assert response.headers["X-Backend-Protocol"] == "HTTP/2"
    assert {name: response.headers[name] for name in website.RESPONSE_HEADERS} == website.RESPONSE_HEADERS


def test_page_over_http2_promises_its_assets():
    _, _, promised = get("/", "2")
    assert promised == list(website.ASSETS)


def test_page_over_http11_promises_nothing():
    _, _, promised = get("/", "1.1")
    assert promised == []


@pytest.mark.parametrize(
    "extensions, path, expected",
    [
        (
            {"http.response.early_hint": {}},
            "/",
            [{"type": "http.response.early_hint", "links": [b"</a.css>; rel=preload"]}],
        ),
        ({"http.response.early_hint": {}}, "/other", []),
        ({}, "/", []),  # HTTP/1.1 under Hypercorn: no extension, no 103
    ],
)
def test_early_hints_middleware_sends_103_only_where_offered(extensions, path, expected):
    sent = []

    async def inner_app(scope, receive, send):
        pass

    async def send(message):
        sent.append(message)

    middleware = EarlyHints(inner_app, {"/": ["</a.css>; rel=preload"]})
    asyncio.run(middleware({"type": "http", "path": path, "extensions": extensions}, None, send))
    assert sent == expected


@pytest.mark.parametrize(
    "host, expected",
    [
        ("localhost:8444", 'h3=":8444"; ma=86400'),
        ("localhost:9444", 'h3=":9444"; ma=86400'),
        ("localhost", None),
        ("127.0.0.1:9444", None),  # by address: /race's HTTP/2 lane
        ("[::1]:8444", None),
    ],
)
def test_alt_svc_names_the_port_the_client_reached(host, expected, monkeypatch):
    monkeypatch.setattr(app_module, "ADVERTISE_HTTP3", True)
    seen = alt_svc_for(host)
    assert seen == expected, f"Host {host}: expected Alt-Svc {expected!r}, saw {seen!r}"


def test_no_alt_svc_where_the_server_speaks_no_http3(monkeypatch):
    monkeypatch.setattr(app_module, "ADVERTISE_HTTP3", False)
    seen = alt_svc_for("localhost:8450")
    assert seen is None, f"ADVERTISE_HTTP3 unset (Granian, Uvicorn): expected no Alt-Svc, saw {seen!r}"


def post_upload(body: bytes, headers: dict[str, str] | None = None):
    async def request():
        response = await app.test_client().post(upload.PATH, data=body, headers=headers)
        return response.status_code, await response.get_data()

    return asyncio.run(request())


def test_upload_answers_the_length_and_digest_of_what_it_read():
    body = bytes(range(256)) * 1000
    status, answer = post_upload(body)
    assert status == 200
    assert json.loads(answer) == {"length": len(body), "sha256": hashlib.sha256(body).hexdigest()}


def test_upload_declared_over_the_limit_is_413():
    status, _ = post_upload(b"x", {"Content-Length": str(upload.LIMIT + 1)})
    assert status == 413


@pytest.mark.parametrize("path", [layers.BARE_PATH, layers.FRAMEWORK_PATH])
def test_the_bench_layers_answer_the_tile_from_memory(path):
    response, body, _ = get(path, "2")
    assert response.status_code == 200, f"{path}: expected 200, saw {response.status_code}"
    assert body == website.TILE_ASSETS[layers.FILE_PATH].read_bytes()
    assert response.headers["Content-Type"] == layers.MEDIA_TYPE
