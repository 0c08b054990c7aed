"""Where the time goes (bench/breakdown.py, website/layers.py): the layers every server
answers, the stack made of their costs, and a run that misses one is not well-formed."""

import asyncio

import pytest
from scale_sample import scale_run

from bench import breakdown
from bench.check import scale_problems
from bench.scale_report import breakdown_table
from measure.h2load import PATH
from website import layers


def layer_row(layer: str, cpu_ms: float | None, server: str = "Hypercorn", framework: str = "Quart") -> dict:
    return {"server": server, "framework": framework, "layer": layer, "protocol": "h2", "cpu_seconds_per_1000": cpu_ms}


def test_the_file_layer_is_the_asset_the_scale_run_loads():
    assert layers.FILE_PATH == PATH, f"website/layers.py loads {layers.FILE_PATH}, measure/h2load.py {PATH}"


def test_every_server_measures_its_layers_bottom_up_at_their_paths():
    for server in breakdown.SERVERS:
        targets = server.targets()
        layer_names = [layer for layer, _ in targets if layer != "own"]
        assert layer_names == [layer for layer in breakdown.LAYERS if layer in layer_names], server.name
        assert layer_names[-1] == "file", f"{server.name}: the path the lab serves is its top layer"
        for layer, target in targets:
            if layer != "own":
                assert target.path == breakdown.PATHS[layer], f"{server.name} {layer}: {target.path}"


def test_the_stack_is_each_layer_less_the_one_below():
    rows = [layer_row("bare", 0.2), layer_row("framework", 0.5), layer_row("file", 0.6), layer_row("own", 0.05)]
    assert breakdown.stack(rows) == [("bare", 0.2), ("framework", 0.3), ("file", 0.1)]


def test_a_server_without_a_bare_layer_starts_its_stack_at_the_framework():
    rows = [layer_row("framework", 0.4, "Sanic", "Sanic"), layer_row("file", 0.7, "Sanic", "Sanic")]
    assert breakdown.stack(rows) == [("framework", 0.4), ("file", 0.3)]


def test_a_layer_without_a_cpu_figure_is_none_and_the_next_counts_from_below_it():
    rows = [layer_row("bare", 0.2), layer_row("framework", None), layer_row("file", 0.6)]
    assert breakdown.stack(rows) == [("bare", 0.2), ("framework", None), ("file", 0.4)]


def test_the_table_shows_what_each_layer_adds():
    table = breakdown_table(scale_run()["breakdown"])
    assert "Granian WSGI" in table and "own static route" in table, table
    assert "Sanic, server and framework in one" in table, table


def test_a_missing_layer_is_named():
    scale = scale_run()
    scale["breakdown"] = [r for r in scale["breakdown"] if (r["server"], r["layer"]) != ("Daphne", "framework")]
    found = scale_problems(scale)
    assert found == ["breakdown Daphne framework: expected one row, found 0"], f"got {found}"


@pytest.fixture
def tile(tmp_path, monkeypatch):
    file = tmp_path / "tile.png"
    file.write_bytes(b"\x89PNG a tile")
    monkeypatch.setitem(layers.website.TILE_ASSETS, layers.FILE_PATH, file)
    for cached in (layers.body, layers.bare_headers, layers._asgi_headers):
        cached.cache_clear()
    yield file.read_bytes()
    for cached in (layers.body, layers.bare_headers, layers._asgi_headers):
        cached.cache_clear()


def test_bare_wsgi_answers_its_path_and_passes_the_rest_on(tile):
    app = layers.bare_wsgi(lambda environ, start_response: [b"the app"])
    started = []
    answered = app({"PATH_INFO": layers.BARE_PATH}, lambda status, headers: started.append((status, headers)))
    assert answered == [tile] and started == [
        ("200 OK", [("content-type", "image/png"), ("content-length", str(len(tile)))])
    ]
    assert app({"PATH_INFO": "/"}, None) == [b"the app"]


def test_bare_asgi_answers_its_path_and_passes_the_rest_on(tile):
    reached = []

    async def inner(scope, receive, send):
        reached.append(scope["path"])

    sent = []

    async def send(message):
        sent.append(message)

    app = layers.bare_asgi(inner)
    asyncio.run(app({"type": "http", "path": layers.BARE_PATH}, None, send))
    asyncio.run(app({"type": "http", "path": "/"}, None, send))
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"] and sent[1]["body"] == tile
    assert reached == ["/"], f"expected only / to reach the app, saw {reached}"
