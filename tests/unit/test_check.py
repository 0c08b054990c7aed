"""bench/check.py: a well-formed bench run passes; each way one can be broken is reported.

The cases are cut to two (one HTTP/1.1, one HTTP/2), one page and two network
profiles, so a whole bench.json stays a few rows; the rules checked are the same.
"""

import json
import struct
import zlib

import pytest
from scale_sample import scale_run

from bench import check
from bench.cases import CASES, Case
from bench.report import chart_name, upload_chart_name
from bench.scale_report import BREAKDOWN_CHART, SCALE_CHART
from endpoints import HYPERCORN_QUART, NGINX_FLASK, RAISED_WINDOWS
from network.profiles import PROFILES

SMALL_CASES = [Case(NGINX_FLASK, "http/1.1"), Case(HYPERCORN_QUART, "h2")]
PROFILE_NAMES = ["rtt50", "lossy"]
RUNS = 2
NGINX_H3_RAISED = next(raised for raised in RAISED_WINDOWS if raised.of == NGINX_FLASK)


@pytest.fixture(autouse=True)
def small_bench(monkeypatch):
    monkeypatch.setattr(check, "CASES", SMALL_CASES)
    monkeypatch.setattr(check, "ENDPOINTS", [NGINX_FLASK, HYPERCORN_QUART])
    monkeypatch.setattr(check, "RAISED_WINDOWS", [NGINX_H3_RAISED])
    monkeypatch.setattr(check, "PAGES", {"tiles": "/tiles"})


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    pixels = zlib.compress(b"".join(b"\x00" + bytes(width) for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def bench_run(profile_names: list[str] = PROFILE_NAMES) -> dict:
    run = {"ms": 120.0, "connections": 1, "bytes_in": 50000, "bytes_out": 2000, "requests": 4, "pushed": 0}
    page_loads = [
        {"page": "tiles", "profile": name, "rtt_ms": PROFILES[name].rtt_ms, "mode": mode}
        | {"port": case.endpoint.port, "far_port": case.endpoint.far_port, "protocol": case.protocol}
        | {
            "median_ms": 120.0,
            "p95_ms": 130.0,
            "measured_over_bound": 1.2,
            "runs": [run | {"every_asset_once": True} for _ in range(RUNS)],
        }
        for name in profile_names
        for case in SMALL_CASES
        for mode in ("cold", "warm")
    ]
    # What the matrix reads beyond those cases: the tiles over HTTP/2 and HTTP/3, cold.
    page_loads += [
        {"page": "tiles", "profile": name, "mode": "cold", "port": port, "protocol": protocol}
        | {"median_ms": 120.0, "p95_ms": 130.0, "measured_over_bound": 1.2, "runs": []}
        for name in profile_names
        for port, protocol in [(8443, "h2"), (8443, "h3"), (8444, "h3")]
    ]
    uploads = [
        {"profile": "rtt50", "port": endpoint.port, "protocol": protocol, "failed": [], "measured_over_bound": 1.5}
        | {"window": None if protocol == "http/1.1" else 65_536}
        for endpoint in (NGINX_FLASK, HYPERCORN_QUART)
        for protocol in ("http/1.1", "h2", "h3")
    ]
    uploads.append(
        {"profile": "rtt50", "port": NGINX_H3_RAISED.endpoint.port, "protocol": "h3", "failed": []}
        | {"measured_over_bound": 1.2, "window": 2**20, "raises": 8443, "setting": NGINX_H3_RAISED.setting}
    )
    meta = {
        "runs": RUNS,
        "profiles": [PROFILES[name].as_dict() for name in profile_names],
        "upload_profiles": ["rtt50"],
        "network": "the lab's network emulator",
        "machine": {},
        "versions": {},
    }
    browser = [{"page": "tiles", "profile": "rtt50", "far_port": 9443, "asked_for": "tcp", "protocols_used": ["h2"]}]
    streams = [{"case": "multiplexing", "port": endpoint.port} for endpoint in (NGINX_FLASK, HYPERCORN_QUART)] + [
        {"case": "priorities", "signal": signal, "port": endpoint.port, "statuses": [200], "honoured": False}
        for endpoint in (NGINX_FLASK, HYPERCORN_QUART)
        for signal in ("rfc9218", "rfc7540", "rfc9218-h3", "chromium", "chromium-h3")  # both offer HTTP/3
    ]
    return {"meta": meta, "page_loads": page_loads, "browser": browser, "uploads": uploads, "streams": streams} | {
        "scale": scale_run()
    }


def write(folder, data: dict, charts: dict[str, bytes] | None = None):
    (folder / "bench.json").write_text(json.dumps(data))
    (folder / SCALE_CHART).write_bytes(png(880, 528))
    (folder / BREAKDOWN_CHART).write_bytes(png(880, 528))
    (folder / upload_chart_name("rtt50")).write_bytes(png(880, 528))
    for profile, picture in (charts if charts is not None else {p: png(880, 528) for p in PROFILE_NAMES}).items():
        (folder / chart_name("tiles", profile)).write_bytes(picture)
    return folder


def row(data: dict, profile: str, protocol: str, mode: str) -> dict:
    return next(r for r in data["page_loads"] if (r["profile"], r["protocol"], r["mode"]) == (profile, protocol, mode))


def assert_reported(found: list[str], *words: str) -> None:
    matching = [problem for problem in found if all(word in problem for word in words)]
    assert len(matching) == 1, f"expected one problem naming {words}, got {found}"


def test_a_well_formed_run_has_no_problems(tmp_path):
    found = check.problems(write(tmp_path, bench_run()))
    assert found == [], f"expected no problems, got {found}"


def test_every_protocol_measured_has_a_connection_limit():
    missing = {case.protocol for case in CASES} - check.CONNECTION_LIMIT.keys()
    assert not missing, f"expected a connection limit for every protocol in CASES, none for {missing}"


@pytest.mark.parametrize(
    "section, key",
    [(None, key) for key in check.SECTIONS] + [("meta", key) for key in check.META],
)
def test_a_missing_key_is_reported_not_read(tmp_path, section, key):
    data = bench_run()
    del (data[section] if section else data)[key]
    found = check.problems(write(tmp_path, data))
    expected = f"bench.json: meta has no {key}" if section else f"bench.json: no {key}"
    assert expected in found, f"expected {expected!r} among the problems, got {found}"
    others = [problem for problem in found if not problem.startswith("bench.json: ")]
    assert not others, f"expected only what bench.json lacks, before reading further, got also {others}"


def test_an_empty_section_is_reported(tmp_path):
    data = bench_run() | {"browser": []}
    found = check.problems(write(tmp_path, data))
    assert found == ["bench.json: no browser"], f"expected only the empty browser section reported, got {found}"


def test_an_empty_profile_list_is_reported(tmp_path):
    data = bench_run()
    data["meta"]["profiles"] = []
    found = check.problems(write(tmp_path, data))
    assert found, f"expected a problem for a run with page loads but no profiles, got {found}"


@pytest.mark.parametrize(
    "protocol, connections, name",
    [("http/1.1", 7, "tiles lossy 8443 http/1.1 cold"), ("h2", 2, "tiles lossy 8444 h2 cold")],
)
def test_too_many_connections_are_reported(tmp_path, protocol, connections, name):
    data = bench_run()
    row(data, "lossy", protocol, "cold")["runs"][1]["connections"] = connections
    found = check.problems(write(tmp_path, data))
    assert_reported(found, name, f"opened {connections} connections")
    assert len(found) == 1, f"expected only that run reported, got {found}"


def test_six_http11_connections_are_allowed(tmp_path):
    data = bench_run()
    row(data, "rtt50", "http/1.1", "cold")["runs"][0]["connections"] = 6
    found = check.problems(write(tmp_path, data))
    assert found == [], f"expected 6 HTTP/1.1 connections to pass, got {found}"


def test_an_asset_fetched_twice_is_reported(tmp_path):
    data = bench_run()
    row(data, "rtt50", "h2", "warm")["runs"][0]["every_asset_once"] = False
    found = check.problems(write(tmp_path, data))
    assert_reported(found, "tiles rtt50 8444 h2 warm", "fetched an asset twice")


@pytest.mark.parametrize(
    "change, expected",
    [("missing", "expected one row, found 0"), ("duplicated", "expected one row, found 2")]
    + [("one run short", f"expected {RUNS} runs, found {RUNS - 1}")],
)
def test_a_case_without_exactly_one_row_of_every_run_is_reported(tmp_path, change, expected):
    data = bench_run()
    warm = row(data, "lossy", "http/1.1", "warm")
    if change == "missing":
        data["page_loads"].remove(warm)
    elif change == "duplicated":
        data["page_loads"].append(warm)
    else:
        warm["runs"].pop()
    found = check.problems(write(tmp_path, data))
    assert found == [f"tiles lossy 8443 http/1.1 warm: {expected}"], f"expected only that case, got {found}"


def test_a_failed_upload_a_known_flaw_explains_is_not_a_problem(tmp_path, monkeypatch):
    data = bench_run()
    known = next(r for r in data["uploads"] if (r["port"], r["protocol"]) == (8444, "h3"))
    known |= {"failed": ["501 {}"], "measured_over_bound": 0.05}  # answered at once, no body read: no time to judge
    monkeypatch.setattr(check, "UPLOAD_FLAWS", {("quart_backend", "h3"): "a known flaw"})
    found = check.problems(write(tmp_path, data))
    assert found == [], f"expected the known flaw to pass the check, got {found}"


def test_a_missing_upload_case_is_reported(tmp_path):
    data = bench_run()
    data["uploads"] = [r for r in data["uploads"] if (r["port"], r["protocol"]) != (8444, "h3")]
    found = check.problems(write(tmp_path, data))
    assert found == ["upload rtt50 8444 h3: expected one row, found 0"], f"expected only that case, got {found}"


def test_an_upload_not_answered_with_its_digest_is_reported(tmp_path):
    data = bench_run()
    data["uploads"][0]["failed"] = ["413 {}"]
    found = check.problems(write(tmp_path, data))
    assert found == ["upload rtt50 8443 http/1.1: 1 uploads failed: 413 {}"], f"expected only that case, got {found}"


def test_a_page_load_or_upload_faster_than_its_bound_is_reported(tmp_path):
    data = bench_run()
    load = next(r for r in data["page_loads"] if (r["profile"], r["port"], r["mode"]) == ("rtt50", 8443, "cold"))
    load |= {"median_ms": 96.0, "lower_bound_ms": 100, "measured_over_bound": 0.96}
    data["uploads"][0] |= {"median_ms": 580.0, "lower_bound_ms": 600, "measured_over_bound": 0.97}
    found = check.problems(write(tmp_path, data))
    assert found == [
        "tiles rtt50 8443 http/1.1 cold: 96.0 ms, under its lower bound of 100 ms: bench/bounds.py is wrong",
        "upload rtt50 8443 http/1.1: 580.0 ms, under its lower bound of 600 ms: bench/bounds.py is wrong",
    ], f"expected both reported, got {found}"


def test_a_missing_upload_chart_is_reported(tmp_path):
    folder = write(tmp_path, bench_run())
    (folder / upload_chart_name("rtt50")).unlink()
    found = check.problems(folder)
    assert found == ["uploads-rtt50.png: missing or not a PNG"], f"expected only the upload chart, got {found}"


def test_a_missing_raised_window_case_is_reported(tmp_path):
    data = bench_run()
    data["uploads"] = [r for r in data["uploads"] if r["port"] != 8460]
    found = check.problems(write(tmp_path, data))
    assert found == ["upload rtt50 8460 h3: expected one row, found 0"], f"expected only that case, got {found}"


def test_a_raised_window_no_larger_on_the_wire_than_its_endpoint_s_is_reported(tmp_path):
    data = bench_run()
    next(r for r in data["uploads"] if r["port"] == 8460)["window"] = 65_536  # the setting did not take
    found = check.problems(write(tmp_path, data))
    expected = (
        f"upload rtt50 8460 h3: expected a window larger than 8443's 65536 ({NGINX_H3_RAISED.setting}), saw 65536"
    )
    assert found == [expected], f"expected only that case, got {found}"


def test_a_missing_priorities_case_is_reported(tmp_path):
    data = bench_run()
    data["streams"] = [r for r in data["streams"] if (r["port"], r.get("signal")) != (8444, "rfc7540")]
    found = check.problems(write(tmp_path, data))
    assert found == ["priorities 8444 rfc7540: expected one row, found 0"], f"expected only that case, got {found}"


def test_a_missing_priorities_case_over_http3_is_reported(tmp_path):
    data = bench_run()
    data["streams"] = [r for r in data["streams"] if (r["port"], r.get("signal")) != (8443, "rfc9218-h3")]
    found = check.problems(write(tmp_path, data))
    assert found == ["priorities 8443 rfc9218-h3: expected one row, found 0"], f"expected only that case, got {found}"


def test_a_profile_in_meta_without_rows_or_chart_is_reported(tmp_path):
    data = bench_run()
    data["meta"]["profiles"].append(PROFILES["slow4g"].as_dict())
    found = check.problems(write(tmp_path, data))
    expected = [
        f"tiles slow4g {case.label} {mode}: expected one row, found 0"
        for case in SMALL_CASES
        for mode in ("cold", "warm")
    ] + ["pageload-tiles-slow4g.png: missing or not a PNG"]
    assert sorted(found) == sorted(expected), f"expected {expected}, got {found}"


@pytest.mark.parametrize(
    "chart, expected",
    [
        (None, "pageload-tiles-lossy.png: missing or not a PNG"),
        (b"\xff\xd8\xff\xe0 a JPEG", "pageload-tiles-lossy.png: missing or not a PNG"),
        (png(399, 300), "pageload-tiles-lossy.png: narrower than 400 pixels"),
        (png(880, 528)[:12], "pageload-tiles-lossy.png: missing or not a PNG"),
    ],
    ids=["missing", "not-png", "narrow", "truncated"],
)
def test_a_bad_chart_is_reported(tmp_path, chart, expected):
    charts = {"rtt50": png(400, 300)} | ({"lossy": chart} if chart else {})
    found = check.problems(write(tmp_path, bench_run(), charts))
    assert found == [expected], f"expected only {expected!r}, got {found}"


def test_main_exits_non_zero_and_says_what_is_wrong(tmp_path, capsys):
    data = bench_run()
    del data["meta"]["runs"]
    code = check.main(write(tmp_path, data))
    said = capsys.readouterr()
    assert code == 1, f"expected exit code 1 for a broken run, got {code}"
    assert "bench check: bench.json: meta has no runs" in said.err, f"expected the problem on stderr, got {said.err!r}"
    assert "bench check: 1 problems" in said.out, f"expected the count on stdout, got {said.out!r}"


def test_main_exits_zero_for_a_well_formed_run(tmp_path, capsys):
    code = check.main(write(tmp_path, bench_run()))
    said = capsys.readouterr()
    assert code == 0, f"expected exit code 0, got {code}; stderr {said.err!r}"
    assert "well-formed" in said.out, f"expected 'well-formed' on stdout, got {said.out!r}"


def test_an_endpoint_the_matrix_has_no_result_for_is_reported(tmp_path):
    data = bench_run()
    data["uploads"] = [r for r in data["uploads"] if (r["port"], r["protocol"]) != (8444, "h2")]
    found = check.matrix_problems(data)
    assert found == ["matrix 8444 up: no result in this run (make bench: upload 10 MB rtt50 8444 h2)"], f"got {found}"
