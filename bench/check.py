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

CONNECTION_LIMIT = {"http/1.1": 6, "h2": 1, "h2+push": 1, "h3": 1}


def problems(folder: Path) -> list[str]:
    data = json.loads((folder / "bench.json").read_text())
    found = [f"bench.json: no {key}" for key in ("meta", "page_loads", "browser", "throughput") if not data.get(key)]
    for key in ("runs", "rtts_ms", "latency_method", "machine", "versions"):
        if key not in data.get("meta", {}):
            found.append(f"bench.json: meta has no {key}")
    for rtt in data["meta"]["rtts_ms"]:
        for page in PAGES:
            for case in CASES:
                for mode in ("cold", "warm"):
                    rows = [
                        r
                        for r in data["page_loads"]
                        if (r["page"], r["rtt_ms"], r["port"], r["protocol"], r["mode"])
                        == (page, rtt, case.endpoint.port, case.protocol, mode)
                    ]
                    name = f"{page} rtt {rtt:g} {case.label} {mode}"
                    if len(rows) != 1 or len(rows[0]["runs"]) != data["meta"]["runs"]:
                        found.append(f"{name}: expected one row of {data['meta']['runs']} runs, found {len(rows)} rows")
                        continue
                    limit = CONNECTION_LIMIT[case.protocol]  # warm runs reconnect only where a server ended keep-alive
                    for run in rows[0]["runs"]:
                        if run["connections"] > limit or not run["every_asset_once"]:
                            found.append(
                                f"{name}: a run opened {run['connections']} connections (at most {limit}) "
                                f"or fetched an asset twice ({run['every_asset_once']=})"
                            )
            chart = folder / f"pageload-{page}-rtt{rtt:g}ms.png"
            if not chart.exists() or chart.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
                found.append(f"{chart.name}: missing or not a PNG")
            elif struct.unpack(">II", chart.read_bytes()[16:24])[0] < 400:
                found.append(f"{chart.name}: narrower than 400 pixels")
    for row in data["throughput"]:
        if row["succeeded"] == 0:
            found.append(f"throughput {row['port']} {row['protocol']}: no request succeeded")
    return found


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
