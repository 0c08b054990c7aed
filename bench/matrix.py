"""One matrix of every endpoint against every feature, in the QUIC Interop Runner's way, made
from what the last runs wrote (never typed by hand):

    python3 -m bench.matrix [--results results] [--out results/matrix.md]

make bench writes it at its end, into results/ (make test's records then are the last ones);
docs/matrix.md is the published copy, written with --out docs/matrix.md from a full run.

results/tests/<suite>.json (make test's suites: tests/conftest.py) and results/latest/bench.json
(make bench). Each cell is one of three outcomes, with its figure and its evidence (the
tests or the bench case it comes from): works (✓), not offered (·), fails (✗); a result that
is missing says so (?), never "works". Standard library only: it runs on the host.
"""

import argparse
import json
import re
from dataclasses import dataclass
from pathlib import Path

from bench.cases import PRIORITY_OVER_HTTP3, PRIORITY_SIGNALS
from bench.ceiling import published_rate
from bench.scale_report import rate
from endpoints import ENDPOINTS, Endpoint

WORKS, NOT_OFFERED, FAILS, MISSING = "✓", "·", "✗", "?"
LAB_CLIENT_SIGNALS = (*PRIORITY_SIGNALS, PRIORITY_OVER_HTTP3)
PASSED = ("passed",)


@dataclass(frozen=True)
class Cell:
    outcome: str  # WORKS, NOT_OFFERED, FAILS or MISSING
    figure: str = ""
    evidence: str = ""

    def __str__(self) -> str:
        return f"{self.outcome} {self.figure}".strip()


def key(endpoint: Endpoint) -> str:
    return f"{endpoint.port}-{endpoint.service}"


def of_endpoint(outcomes: dict[str, str], test: str, endpoint: Endpoint) -> dict[str, str]:
    """The outcomes of `test` (path::function) whose parameters name this endpoint ("8444-quart_backend")."""
    token = re.compile(rf"(^|-){re.escape(key(endpoint))}(-|$)")
    return {
        nodeid: outcome
        for nodeid, outcome in outcomes.items()
        if nodeid.startswith(test + "[") and token.search(nodeid[len(test) + 1 : -1])
    }


def one_test(outcomes: dict[str, str], test: str, endpoint: Endpoint, offered: bool) -> Cell:
    if not offered:
        return Cell(NOT_OFFERED)
    found = of_endpoint(outcomes, test, endpoint)
    if not found:
        return Cell(MISSING, "no result", test)
    if set(found.values()) == {"skipped"}:
        return Cell(NOT_OFFERED, "skipped", test)
    failed = [nodeid for nodeid, outcome in found.items() if outcome not in PASSED]
    return Cell(FAILS if failed else WORKS, "", (failed or list(found))[0])


def counted(outcomes: dict[str, str], tests: list[str], endpoint: Endpoint, offered: bool) -> Cell:
    """n/N of the tests' cases for this endpoint that passed; a strict xfail is a rule missed."""
    if not offered:
        return Cell(NOT_OFFERED)
    found = {}
    for test in tests:
        found |= of_endpoint(outcomes, test, endpoint)
    found = {nodeid: outcome for nodeid, outcome in found.items() if outcome != "skipped"}  # does not apply
    if not found:
        return Cell(MISSING, "no result", ", ".join(tests))
    passed = sum(outcome in PASSED for outcome in found.values())
    return Cell(WORKS if passed == len(found) else FAILS, f"{passed}/{len(found)}", ", ".join(tests))


def bench_rows(bench: dict | None, part: str) -> list[dict]:
    return (bench or {}).get(part, [])


def ratio_cell(rows: list[dict], evidence: str) -> Cell:
    if not rows:
        return Cell(MISSING, "no result", evidence)
    row = rows[0]
    failed = row.get("failed")
    ratio = row["measured_over_bound"]
    return Cell(FAILS if failed else WORKS, "no bound" if ratio is None else f"×{ratio:.2f}", evidence)


def best_protocol(endpoint: Endpoint) -> str:
    return "h3" if endpoint.http3 else "h2" if endpoint.http2 else "http/1.1"


def tiles_at_rtt50(bench: dict | None, endpoint: Endpoint) -> Cell:
    protocol = "h2" if endpoint.http2 else "http/1.1"
    rows = [
        r
        for r in bench_rows(bench, "page_loads")
        if (r["page"], r["profile"], r["port"], r["protocol"], r["mode"])
        == ("tiles", "rtt50", endpoint.port, protocol, "cold")
    ]
    return ratio_cell(rows, f"make bench: tiles rtt50 {endpoint.port} {protocol} cold")


def loss(bench: dict | None, endpoint: Endpoint) -> Cell:
    protocol = best_protocol(endpoint)
    by_profile = {
        r["profile"]: r["median_ms"]
        for r in bench_rows(bench, "page_loads")
        if (r["page"], r["port"], r["protocol"], r["mode"]) == ("tiles", endpoint.port, protocol, "cold")
    }
    evidence = f"make bench: tiles lossy against rtt50, {endpoint.port} {protocol} cold"
    if not {"rtt50", "lossy"} <= by_profile.keys():
        return Cell(MISSING, "no result", evidence)
    return Cell(WORKS, f"×{by_profile['lossy'] / by_profile['rtt50']:.2f}", evidence)


def uploads(bench: dict | None, endpoint: Endpoint) -> Cell:
    protocol = "h2" if endpoint.http2 else "http/1.1"
    rows = [
        r
        for r in bench_rows(bench, "uploads")
        if (r["profile"], r["port"], r["protocol"]) == ("rtt50", endpoint.port, protocol)
    ]
    return ratio_cell(rows, f"make bench: upload 10 MB rtt50 {endpoint.port} {protocol}")


def priorities(bench: dict | None, endpoint: Endpoint) -> Cell:
    if not (endpoint.http2 or endpoint.http3):
        return Cell(NOT_OFFERED)
    # The lab client's cases only: it sends the stylesheet's request after the others, where Chromium
    # sends its requests together (bench/browser_priorities.py): there the server's order says less.
    rows = [
        r
        for r in bench_rows(bench, "streams")
        if r["case"] == "priorities" and r["port"] == endpoint.port and r["signal"] in LAB_CLIENT_SIGNALS
    ]
    evidence = f"make bench: priorities {endpoint.port} (slow4g)"
    if not rows:
        return Cell(MISSING, "no result", evidence)
    honoured = [r["signal"] for r in rows if r["honoured"]]
    return Cell(WORKS if honoured else FAILS, ", ".join(honoured) or "none honoured", evidence)


def scale_point(bench: dict | None, endpoint: Endpoint) -> Cell:
    protocol = "h2" if endpoint.http2 else "http/1.1"
    scale = (bench or {}).get("scale", {})
    rows = [
        p
        for p in scale.get("points", [])
        if (p["label"], p["protocol"], p["connections"]) == (str(endpoint.port), protocol, 64)
    ]
    evidence = f"make bench: h2load {endpoint.port} {protocol} ×64"
    if not rows:
        return Cell(MISSING, "no result", evidence)
    point = rows[0]
    figure = rate(point) + (" (the harness the limit)" if published_rate(point) is None else "")
    return Cell(FAILS if point["failed"] else WORKS, figure, evidence)


def memory(bench: dict | None, endpoint: Endpoint) -> Cell:
    if not endpoint.http2:
        return Cell(NOT_OFFERED)
    rows = [m for m in (bench or {}).get("scale", {}).get("memory", []) if m["label"] == str(endpoint.port)]
    evidence = f"make bench: memory {endpoint.port}, idle HTTP/2 connections"
    if not rows:
        return Cell(MISSING, "no result", evidence)
    per_connection = rows[0]["bytes_per_connection"]
    figure = "no figure" if per_connection is None else f"{per_connection / 1000:.1f} KB"
    if per_connection is not None and per_connection <= 0:
        figure = "≈0 KB (below the noise)"  # fewer bytes with more open: the allocator's noise
    return Cell(FAILS if rows[0]["failed"] else WORKS, figure, evidence)


CONFORMANCE = "tests/hardening/test_conformance.py::test_conformance"
H3_CONFORMANCE = "tests/hardening/test_h3_conformance.py::test_h3_conformance"
# column code: (its tooltip, how a cell is made from the test outcomes and the bench run)
COLUMNS = {
    "h2": ("HTTP/2 negotiated by ALPN", lambda t, b, e: one_test(t, "tests/probes/test_alpn.py::test_selects_its_preferred_protocol_when_client_offers_h2_and_http11", e, e.http2)),
    "h3": ("the same bytes over HTTP/3", lambda t, b, e: one_test(t, "tests/probes/test_http3.py::test_same_bytes_over_http3", e, e.http3)),
    "push": ("server push of the page's CSS and JS", lambda t, b, e: one_test(t, "tests/probes/test_push.py::test_pushes_exactly_the_css_and_js_the_page_links", e, e.pushes)),
    "103": ("103 Early Hints preloading the assets", lambda t, b, e: one_test(t, "tests/probes/test_early_hints.py::test_103_preloads_the_page_assets_before_the_200", e, e.early_hints)),
    "prio": ("the urgent stylesheet first, slow4g (RFC 9218 / 7540, HTTP/2 and HTTP/3)", lambda t, b, e: priorities(b, e)),
    "up": ("10 MB upload across rtt50, × its bound", lambda t, b, e: uploads(b, e)),
    "tiles": ("120 tiles across rtt50, cold, × their bound", lambda t, b, e: tiles_at_rtt50(b, e)),
    "loss": ("the tiles under 2 % loss against without, best protocol", lambda t, b, e: loss(b, e)),
    "h2c": ("HTTP/2 conformance rules met (RFC 9113, 7541)", lambda t, b, e: counted(t, [CONFORMANCE], e, e.http2)),
    "h3c": ("HTTP/3 conformance rules met (RFC 9114, 9204)", lambda t, b, e: counted(t, [H3_CONFORMANCE], e, e.http3)),
    "atk": ("attacks survived (make hardening, conformance apart)", lambda t, b, e: counted(t, attack_tests(t), e, True)),
    "mem": ("memory per idle HTTP/2 connection", lambda t, b, e: memory(b, e)),
    "rps": ("requests/s at 64 connections, near", lambda t, b, e: scale_point(b, e)),
}  # fmt: skip
BENCH_COLUMNS = ("prio", "up", "tiles", "loss", "mem", "rps")  # filled by make bench; the rest by make test
ATTACK_FILES = ("connection_exhaustion", "header_abuse", "malformed_frames", "quic_abuse", "rapid_reset", "slow_clients", "sustained_load")  # fmt: skip


def attack_tests(outcomes: dict[str, str]) -> list[str]:
    return sorted(
        {nodeid.split("[")[0] for nodeid in outcomes if any(f"/test_{name}.py::" in nodeid for name in ATTACK_FILES)}
    )


def build(outcomes: dict[str, str], bench: dict | None, endpoints=ENDPOINTS) -> list[tuple[Endpoint, dict[str, Cell]]]:
    return [
        (endpoint, {code: make(outcomes, bench, endpoint) for code, (_, make) in COLUMNS.items()})
        for endpoint in endpoints
    ]


def markdown(rows, sources: list[str]) -> str:
    lines = [
        "# Every endpoint against every feature",
        "",
        "Made by `python3 -m bench.matrix` from the last runs' own records, never typed by hand:",
        *[f"- {source}" for source in sources],
        "",
        f"{WORKS} works, {NOT_OFFERED} not offered, {FAILS} fails (a strict xfail is a fail: a rule missed, an attack "
        f"not survived), {MISSING} no result. Each code's meaning, and where each cell comes from, below the table.",
        "",
        "| port | server | " + " | ".join(COLUMNS) + " |",
        "|---|---|" + "---|" * len(COLUMNS),
    ]
    lines += [
        f"| {e.port} | {e.title} | " + " | ".join(str(cells[code]) for code in COLUMNS) + " |" for e, cells in rows
    ]
    lines += ["", "| code | what it says | evidence |", "|---|---|---|"]
    for code, (tooltip, _) in COLUMNS.items():
        evidence = next((c.evidence for _, cells in rows if (c := cells[code]).evidence), "")
        lines.append(f"| {code} | {tooltip} | {evidence.split(', ')[0] if code == 'atk' else evidence} |")
    return "\n".join(lines) + "\n"


def load(results: Path) -> tuple[dict[str, str], dict | None, list[str]]:
    outcomes, sources = {}, []
    for record in sorted((results / "tests").glob("*.json")):
        data = json.loads(record.read_text())
        outcomes |= data["outcomes"]
        sources.append(f"make test, suite `{data['suite']}`, finished {data['finished']}")
    bench_file = results / "latest" / "bench.json"
    bench = json.loads(bench_file.read_text()) if bench_file.exists() else None
    if bench:
        kind = "QUICK=1 (a smoke run)" if bench["meta"].get("quick") else f"RUNS={bench['meta']['runs']}"
        sources.append(f"make bench {kind}, started {bench['meta']['started']}")
    return outcomes, bench, sources


def main() -> None:
    parser = argparse.ArgumentParser(prog="python3 -m bench.matrix")
    parser.add_argument("--results", type=Path, default=Path("results"))
    parser.add_argument("--out", type=Path, default=Path("results/matrix.md"))
    arguments = parser.parse_args()
    outcomes, bench, sources = load(arguments.results)
    arguments.out.write_text(markdown(build(outcomes, bench), sources))
    print(f"matrix: {arguments.out}")


if __name__ == "__main__":
    main()
