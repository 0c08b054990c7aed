"""Check a bench run's output as a reader would get it: the JSON and the charts.

    python3 -m bench.check /results/latest

Exits non-zero, saying what is wrong, when the results file is malformed, a
case broke the client's rules (more than 6 HTTP/1.1 connections, more than one
HTTP/2 or HTTP/3 connection, an asset fetched twice) or a chart is missing.
"""

import json
import struct
import sys
from pathlib import Path

from bench.cases import CASES, PAGES
from bench.report import chart_name

CONNECTION_LIMIT = {"http/1.1": 6, "h2": 1, "h2+push": 1, "h3": 1}
SECTIONS = ("meta", "page_loads", "browser", "throughput")
META = ("runs", "profiles", "network", "machine", "versions")


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
    found += [
        f"throughput {row['port']} {row['protocol']}: no request succeeded"
        for row in data["throughput"]
        if row["succeeded"] == 0
    ]
    return found


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
            limit = CONNECTION_LIMIT[case.protocol]  # warm runs reconnect only where a server ended keep-alive
            for run in rows[0]["runs"]:
                if run["connections"] > limit or not run["every_asset_once"]:
                    found.append(
                        f"{name}: a run opened {run['connections']} connections (at most {limit}) "
                        f"or fetched an asset twice ({run['every_asset_once']=})"
                    )
    return found


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
