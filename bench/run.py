"""One bench run: for each network profile, page loads and a real browser across the
far network (every packet through the network emulator, TCP and QUIC alike).
Throughput and cost are measured near, straight at each server, where the emulator
would only measure itself: bench/scale.py."""

import socket
import time

from bench import browser, far
from bench.bounds import Load, Network, lower_bound
from bench.cases import CASES, PAGES, Case
from clients.events import PageLoad
from clients.loaders import make_loader
from endpoints import ENDPOINTS
from measure.stats import median, p95
from network.profiles import Profile

CA_FILE = "/run/certs/ca.crt"
SERVER_CERTIFICATE = "/run/certs/server.crt"


def progress(message: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')}  {message}", flush=True)


async def _loads(case: Case, page: str, runs: int, warm: bool) -> list[PageLoad]:
    origin = far.origin(case.endpoint)
    if warm:
        loader = make_loader(case.protocol, origin, CA_FILE)
        try:
            await loader.load(page)  # opens the connections and grows their windows; not measured
            return [await loader.load(page) for _ in range(runs)]
        finally:
            await loader.close()
    results = []
    for _ in range(runs):
        loader = make_loader(case.protocol, origin, CA_FILE)
        try:
            results.append(await loader.load(page))
        finally:
            await loader.close()
    return results


def summary(case: Case, page_name: str, profile: Profile, mode: str, loads: list[PageLoad]) -> dict:
    seconds = [load.seconds for load in loads]
    first = loads[0]
    load = Load(
        protocol=case.protocol,
        warm=mode == "warm",
        assets=len(first.fetched) - 1,
        pushed=len(first.pushed),
        streams_per_round=first.streams_per_round,
        connections=max(1, first.connections),
        bytes_in=first.bytes_in,
        bytes_out=first.bytes_out,
    )
    bound = lower_bound(load, Network(profile.rtt_ms, profile.down_mbit, profile.up_mbit))
    median_ms = median(seconds) * 1000
    ratio = bound.ratio(median_ms)
    return {
        "page": page_name, "profile": profile.name, "rtt_ms": profile.rtt_ms,
        "port": case.endpoint.port, "far_port": case.endpoint.far_port, "service": case.endpoint.service,
        "title": case.endpoint.title, "protocol": case.protocol, "mode": mode,
        "median_ms": round(median_ms, 1), "p95_ms": round(p95(seconds) * 1000, 1),
        "lower_bound_ms": round(bound.ms, 1), "lower_bound_rtts": bound.rtts,
        "measured_over_bound": round(ratio, 2) if ratio else None,
        "runs": [
            {"ms": round(load.seconds * 1000, 2), "connections": load.connections, "bytes_in": load.bytes_in,
             "bytes_out": load.bytes_out, "requests": sum(load.fetched.values()), "pushed": len(load.pushed),
             "every_asset_once": set(load.fetched.values()) == {1}}
            for load in loads
        ],
    }  # fmt: skip


async def page_loads(profile: Profile, runs: int) -> list[dict]:
    results = []
    total = len(PAGES) * len(CASES) * 2
    for page_name, page in PAGES.items():
        for case in CASES:
            for mode in ("cold", "warm"):
                loads = await _loads(case, page, runs, warm=mode == "warm")
                results.append(summary(case, page_name, profile, mode, loads))
                row = results[-1]
                progress(
                    f"[{len(results):3d}/{total}] {profile.name:8s} {page_name:9s} {case.label:14s} {mode}: "
                    f"median {row['median_ms']:7.1f} ms (bound {row['lower_bound_ms']:g}, "
                    f"× {row['measured_over_bound'] or 0:.2f})"
                )
    return results


async def browser_loads(profile: Profile, runs: int) -> list[dict]:
    """Chromium with `localhost` mapped to the emulator: far ports, far network, TCP and QUIC."""
    rules = f"MAP {far.SERVER_NAME} {socket.gethostbyname(far.EMULATOR)}"
    results = []
    for page_name, page in PAGES.items():
        for endpoint in ENDPOINTS:
            for quic in [False, True] if endpoint.http3 else [False]:
                origin = f"{far.SERVER_NAME}:{endpoint.far_port}"
                loads = await browser.load_times(
                    f"https://{origin}{page}", runs, server_certificate=SERVER_CERTIFICATE,
                    quic_origin=origin if quic else None, host_rules=rules,
                )  # fmt: skip
                load_ms = [load["load_ms"] for load in loads]
                protocols = sorted({p for load in loads for p in [load["page_protocol"], *load["resource_protocols"]]})
                results.append({
                    "page": page_name, "profile": profile.name, "rtt_ms": profile.rtt_ms, "port": endpoint.port,
                    "far_port": endpoint.far_port, "service": endpoint.service, "asked_for": "h3" if quic else "tcp",
                    "protocols_used": protocols, "median_load_ms": round(median(load_ms), 1),
                    "p95_load_ms": round(p95(load_ms), 1), "runs": loads,
                })  # fmt: skip
                progress(
                    f"browser {profile.name:8s} {page_name:9s} {endpoint.far_port} {'h3' if quic else 'tcp':3s}: "
                    f"load {results[-1]['median_load_ms']:7.1f} ms over {', '.join(protocols)}"
                )
    return results
