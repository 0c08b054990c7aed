"""Check a bench run's output as a reader would get it: the JSON and the charts.

    python3 -m bench.check /results/latest

Exits non-zero, saying what is wrong, when the results file is malformed, a
case broke the client's rules (more than 6 HTTP/1.1 connections, more than one
HTTP/2 or HTTP/3 connection, an asset fetched twice), a chart is missing, or the
cost and scale run lacks a point its plan names, a point served nothing or cost
no CPU, or a server's memory, stock comparison, settings or choice row is missing, or an
upload case is missing or was not answered with its body's digest, or a multiplexing or
priorities case is missing, or where the time goes (the breakdown) misses a server's layer, or
the matrix made from this run has no result for an endpoint in a column the bench fills.
"""

import json
import struct
import sys
from pathlib import Path

from bench import matrix
from bench.breakdown import SERVERS
from bench.cases import (
    CASES,
    CHROMIUM_OVER_HTTP2,
    CHROMIUM_OVER_HTTP3,
    PAGES,
    PRIORITY_OVER_HTTP3,
    PRIORITY_SIGNALS,
    upload_protocols,
)
from bench.ceiling import VERDICTS
from bench.flood import HTTP3_ENDPOINTS
from bench.report import chart_name, upload_chart_name
from bench.scale_report import BREAKDOWN_CHART, SCALE_CHART
from bench.targets import OWN_ROUTES, STOCK_PAIRS, SWEEP, Plan
from endpoints import ENDPOINTS, RAISED_WINDOWS, UPLOAD_FLAWS

CONNECTION_LIMIT = {"http/1.1": 6, "h2": 1, "h2+push": 1, "h3": 1}
SECTIONS = ("meta", "page_loads", "browser", "uploads", "streams", "scale")
SCALE = (
    *("meta", "idle_cpu_per_second", "background", "points", "memory"),
    *("breakdown", "stock", "settings", "choice", "floods"),
)
META = ("runs", "profiles", "upload_profiles", "network", "machine", "versions")


def problems(folder: Path) -> list[str]:
    data = json.loads((folder / "bench.json").read_text())
    found = [f"bench.json: no {key}" for key in SECTIONS if not data.get(key)]
    found += [f"bench.json: meta has no {key}" for key in META if key not in data.get("meta", {})]
    if "profiles" in data.get("meta", {}) and not data["meta"]["profiles"]:
        found.append("bench.json: meta lists no network profile")
    if found:
        return found  # what follows reads those keys
    for profile in (p["name"] for p in data["meta"]["profiles"]):
        for page in PAGES:
            found += _case_problems(data, profile, page)
            found += _chart_problems(folder / chart_name(page, profile))
    found += upload_problems(data["uploads"], data["meta"]["upload_profiles"])
    for profile in data["meta"]["upload_profiles"]:
        found += _chart_problems(folder / upload_chart_name(profile))
    found += stream_problems(data["streams"])
    found += scale_problems(data["scale"]) + matrix_problems(data)
    return found + _chart_problems(folder / SCALE_CHART) + _chart_problems(folder / BREAKDOWN_CHART)


def matrix_problems(data: dict) -> list[str]:
    """The matrix's columns that this run fills, for every endpoint: none without a result
    (loss only where the run crossed the lossy profile)."""
    profiles = {profile["name"] for profile in data["meta"]["profiles"]}
    columns = [code for code in matrix.BENCH_COLUMNS if code != "loss" or {"rtt50", "lossy"} <= profiles]
    return [
        f"matrix {endpoint.port} {code}: no result in this run ({cells[code].evidence})"
        for endpoint, cells in matrix.build({}, data, ENDPOINTS)
        for code in columns
        if cells[code].outcome == matrix.MISSING
    ]


def stream_problems(rows: list[dict]) -> list[str]:
    """For every HTTP/2 endpoint: one multiplexing row and one priorities row per signal, Chromium's
    included; for every HTTP/3 endpoint, one priorities row over HTTP/3 from the lab's client
    and one from Chromium; every response 200."""
    found = []
    for endpoint in ENDPOINTS:
        cases = (
            [("multiplexing", None)] + [("priorities", signal) for signal in (*PRIORITY_SIGNALS, CHROMIUM_OVER_HTTP2)]
            if endpoint.http2
            else []
        )
        over_http3 = [("priorities", signal) for signal in (PRIORITY_OVER_HTTP3, CHROMIUM_OVER_HTTP3)]
        for case, signal in cases + (over_http3 if endpoint.http3 else []):
            matching = [r for r in rows if (r["case"], r["port"], r.get("signal")) == (case, endpoint.port, signal)]
            name = f"{case} {endpoint.port}" + (f" {signal}" if signal else "")
            if len(matching) != 1:
                found.append(f"{name}: expected one row, found {len(matching)}")
            elif case == "priorities" and matching[0]["statuses"] != [200]:
                found.append(f"{name}: expected every response 200, saw {matching[0]['statuses']}")
    return found


def upload_problems(rows: list[dict], profiles: list[str]) -> list[str]:
    """One row per endpoint, protocol and upload profile, each upload answered with its digest
    (but where a server's known flaw, UPLOAD_FLAWS, keeps it from that); and each raised
    window's row, its window on the wire larger than the one it raises."""
    cases = [(endpoint, protocol) for endpoint in ENDPOINTS for protocol in upload_protocols(endpoint)]
    cases += [(raised.endpoint, protocol) for raised in RAISED_WINDOWS for protocol in raised.endpoint.protocols]
    found = []
    for profile in profiles:
        row = {}
        for endpoint, protocol in cases:
            matching = [
                r for r in rows if (r["profile"], r["port"], r["protocol"]) == (profile, endpoint.port, protocol)
            ]
            name = f"upload {profile} {endpoint.port} {protocol}"
            if len(matching) != 1:
                found.append(f"{name}: expected one row, found {len(matching)}")
                continue
            row[endpoint.port, protocol] = matching[0]
            if not matching[0]["failed"]:
                found += _under_bound(name, matching[0])
            elif (endpoint.service, protocol) not in UPLOAD_FLAWS:
                found.append(f"{name}: {len(matching[0]['failed'])} uploads failed: {matching[0]['failed'][0]}")
        for raised in RAISED_WINDOWS:
            for protocol in raised.endpoint.protocols:
                ours, theirs = row.get((raised.endpoint.port, protocol)), row.get((raised.of.port, protocol))
                if ours and theirs and (ours["window"] or 0) <= (theirs["window"] or 0):
                    found.append(
                        f"upload {profile} {raised.endpoint.port} {protocol}: expected a window larger than "
                        f"{raised.of.port}'s {theirs['window']} ({raised.setting}), saw {ours['window']}"
                    )
    return found


def scale_problems(scale: dict) -> list[str]:
    found = [f"bench.json: scale has no {key}" for key in SCALE if not scale.get(key)]
    if found:
        return found
    plan = Plan(**scale["meta"]["plan"])
    for target in (*SWEEP, *OWN_ROUTES):
        for protocol in plan.protocols(target):
            for connections in plan.connections:
                key = (target.label, protocol, connections)
                found += _point_problems(scale["points"], f"scale {target.label} {protocol} ×{connections}", key)
        if "h2" in target.protocols and target in SWEEP:
            found += _memory_problems(scale["memory"], target.label)
    for pair in STOCK_PAIRS:
        for variant, target in (("lab", pair.tuned), ("stock", pair.stock)):
            rows = [r for r in scale["stock"] if r["variant"] == variant]
            found += _point_problems(rows, f"stock {pair.server} {variant}", (target.label, target.protocols[0]))
    for server in SERVERS:
        for layer, target in server.targets():
            rows = [r for r in scale["breakdown"] if (r["server"], r["layer"]) == (server.name, layer)]
            found += _point_problems(rows, f"breakdown {server.name} {layer}", (target.label, target.protocols[0]))
    services = {s for row in scale["points"] + scale["stock"] for s in row["services"]}
    found += [f"scale settings: none for {service}" for service in sorted(services - scale["settings"].keys())]
    flooded = [row["service"] for row in scale["floods"]]
    found += [
        f"scale floods: expected one row for {endpoint.service}, found {flooded.count(endpoint.service)}"
        for endpoint in HTTP3_ENDPOINTS
        if flooded.count(endpoint.service) != 1
    ]
    labels = [row["label"] for row in scale["choice"]]
    counts = {target.label: labels.count(target.label) for target in SWEEP}
    return found + [f"scale choice: expected one row for {label}, found {n}" for label, n in counts.items() if n != 1]


def _point_problems(rows: list[dict], name: str, key: tuple) -> list[str]:
    matching = [r for r in rows if (r["label"], r["protocol"], r["connections"])[: len(key)] == key]
    if len(matching) != 1:
        return [f"{name}: expected one row, found {len(matching)}"]
    if matching[0]["succeeded"] == 0:
        return [f"{name}: no request succeeded"]
    if not matching[0]["cpu_seconds_per_1000"] or matching[0]["cpu_seconds_per_1000"] <= 0:
        return [f"{name}: no CPU spent beyond idle ({matching[0]['cpu_seconds_per_1000']} s per 1000 requests)"]
    if matching[0].get("verdict") not in VERDICTS:
        return [f"{name}: not judged against the ceiling (verdict {matching[0].get('verdict')!r})"]
    return []


def _memory_problems(memory: list[dict], label: str) -> list[str]:
    rows = [m for m in memory if m["label"] == label]
    if len(rows) != 1:
        return [f"memory {label}: expected one row, found {len(rows)}"]
    if rows[0]["failed"] >= rows[0]["asked"] - 1:  # a server that closes idle ones early still shows what it kept
        return [f"memory {label}: not one idle connection beyond the first opened ({rows[0]['failed']} failed)"]
    return []


def _case_problems(data: dict, profile: str, page: str) -> list[str]:
    found = []
    runs = data["meta"]["runs"]
    for case in CASES:
        for mode in ("cold", "warm"):
            key = (page, profile, case.endpoint.port, case.protocol, mode)
            rows = [
                r for r in data["page_loads"] if (r["page"], r["profile"], r["port"], r["protocol"], r["mode"]) == key
            ]
            name = f"{page} {profile} {case.label} {mode}"
            if len(rows) != 1:
                found.append(f"{name}: expected one row, found {len(rows)}")
                continue
            if len(rows[0]["runs"]) != runs:
                found.append(f"{name}: expected {runs} runs, found {len(rows[0]['runs'])}")
            found += _under_bound(name, rows[0])
            limit = CONNECTION_LIMIT[case.protocol]  # warm runs reconnect only where a server ended keep-alive
            for run in rows[0]["runs"]:
                if run["connections"] > limit or not run["every_asset_once"]:
                    found.append(
                        f"{name}: a run opened {run['connections']} connections (at most {limit}) "
                        f"or fetched an asset twice ({run['every_asset_once']=})"
                    )
    return found


def _under_bound(name: str, row: dict) -> list[str]:
    """A median faster than its lower bound: the bound (bench/bounds.py) leaves out something
    physics allows, and every ratio beside it is off."""
    if row["measured_over_bound"] is None or row["measured_over_bound"] >= 1:
        return []
    return [
        f"{name}: {row['median_ms']} ms, under its lower bound of {row['lower_bound_ms']} ms: bench/bounds.py is wrong"
    ]


def _chart_problems(chart: Path) -> list[str]:
    if not chart.exists() or chart.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n" or chart.stat().st_size < 24:
        return [f"{chart.name}: missing or not a PNG"]
    if struct.unpack(">II", chart.read_bytes()[16:24])[0] < 400:
        return [f"{chart.name}: narrower than 400 pixels"]
    return []


def main(folder: Path) -> int:
    found = problems(folder)
    for problem in found:
        print(f"bench check: {problem}", file=sys.stderr)
    print(
        f"bench check: {folder / 'bench.json'} and its charts are well-formed"
        if not found
        else f"bench check: {len(found)} problems"
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
