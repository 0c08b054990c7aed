"""bench/choice.py: the "which should I use?" rows, from a scale run's points and memory."""

import pytest
from scale_sample import scale_run

from bench.choice import MATURITY, rows, version
from bench.targets import SWEEP

VERSIONS = {
    "nginx": "nginx/1.26.3",
    "flask_backend": "3.13.5 flask==3.1.3 gunicorn==27.0.1 h2==4.4.1",
    "uvicorn_quart": "3.13.5 quart==0.23.1 uvicorn==0.54.0 zttp==0.0.35",
}


@pytest.mark.parametrize(
    "service, package, expected",
    [
        ("flask_backend", "gunicorn", "gunicorn 27.0.1"),
        ("nginx", "nginx", "nginx 1.26.3"),
        ("uvicorn_quart", "zttp", "zttp 0.0.35"),
        ("flask_backend", "h2", "h2 4.4.1"),
        ("twisted_backend", "twisted", "twisted (version unknown)"),
    ],
)
def test_version_from_versions_json(service, package, expected):
    seen = version(VERSIONS, service, package)
    assert seen == expected, f"expected {expected!r}, got {seen!r}"


def test_every_endpoint_has_a_maturity_judgement():
    missing = [target.label for target in SWEEP if int(target.label) not in MATURITY]
    assert not missing, f"expected a maturity judgement for every endpoint, none for {missing}"


def test_a_row_per_endpoint_with_its_best_point_p99_at_64_and_memory():
    scale = scale_run()
    point = next(p for p in scale["points"] if (p["label"], p["protocol"], p["connections"]) == ("8449", "h2", 8))
    point |= {"requests_per_second": 900_000.0, "requests_per_core_second": 45_000}  # its best: at 8, not 256
    table = {row["label"]: row for row in rows(scale["points"], scale["memory"], VERSIONS)}
    assert list(table) == [target.label for target in SWEEP], f"expected a row per endpoint, got {list(table)}"
    granian = table["8449"]
    seen = (granian["best_connections"], granian["requests_per_second"], granian["requests_per_core_second"])
    assert seen == (8, 900_000.0, 45_000), f"expected its best point (8 connections), got {seen}"
    assert granian["p99_ms_at_64"] == 3.0, f"expected the p99 at 64 connections, got {granian}"
    assert granian["bytes_per_connection"] == 20_000, f"expected its memory per connection, got {granian}"


def test_the_registry_says_what_each_offers_and_http11_only_has_no_idle_http2_memory():
    scale = scale_run()
    table = {row["label"]: row for row in rows(scale["points"], scale["memory"], VERSIONS)}
    hypercorn = (table["8444"]["push"], table["8444"]["early_hints"], table["8444"]["http3"])
    assert hypercorn == (True, True, True), f"expected push, 103 and HTTP/3 at 8444, got {hypercorn}"
    assert table["8447"]["protocol"] == "http/1.1", f"expected 8447 measured over HTTP/1.1, got {table['8447']}"
    assert table["8447"]["bytes_per_connection"] is None, f"expected no HTTP/2 memory for 8447, got {table['8447']}"
    assert table["8443"]["versions"] == ["nginx 1.26.3", "gunicorn 27.0.1"], f"got {table['8443']['versions']}"
