"""One bench run: page loads at each RTT, the browser, then throughput."""

import time

from bench import browser, throughput
from bench.cases import CASES, PAGES, Case, lower_bound_rtts
from bench.latency import Netem, NoLatency, Relay, netem_available
from bench.stats import median, p95
from clients.events import Origin, PageLoad
from clients.loaders import make_loader
from endpoints import ENDPOINTS, STATIC_NGINX

CA_FILE = "/run/certs/ca.crt"
SERVER_CERTIFICATE = "/run/certs/server.crt"


def latency_for(rtt_ms: float):
    if not rtt_ms:
        return NoLatency()
    if netem_available():
        return Netem(rtt_ms)
    targets = sorted({(e.service, e.port, e.http3) for e in ENDPOINTS})
    return Relay(rtt_ms, targets)


def progress(message: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')}  {message}", flush=True)


async def _loads(case: Case, origin: Origin, page: str, runs: int, warm: bool) -> list[PageLoad]:
    if warm:
        loader = make_loader(case.protocol, origin, CA_FILE)
        try:
            await loader.load(page)  # opens the connections; not measured
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


def summary(case: Case, page_name: str, rtt_ms: float, mode: str, loads: list[PageLoad]) -> dict:
    seconds = [load.seconds for load in loads]
    first = loads[0]
    assets = len(first.fetched) - 1
    bound = lower_bound_rtts(case.protocol, mode == "warm", assets, len(first.pushed), first.streams_per_round)
    return {
        "page": page_name,
        "rtt_ms": rtt_ms,
        "port": case.endpoint.port,
        "service": case.endpoint.service,
        "title": case.endpoint.title,
        "protocol": case.protocol,
        "mode": mode,
        "median_ms": round(median(seconds) * 1000, 1),
        "p95_ms": round(p95(seconds) * 1000, 1),
        "lower_bound_ms": bound * rtt_ms,
        "lower_bound_rtts": bound,
        "runs": [
            {
                "ms": round(load.seconds * 1000, 2),
                "connections": load.connections,
                "bytes_in": load.bytes_in,
                "bytes_out": load.bytes_out,
                "requests": sum(load.fetched.values()),
                "pushed": len(load.pushed),
                "every_asset_once": set(load.fetched.values()) == {1},
            }
            for load in loads
        ],
    }


async def page_loads(rtt_ms: float, runs: int, latency) -> list[dict]:
    results = []
    total = len(PAGES) * len(CASES) * 2
    for page_name, page in PAGES.items():
        for case in CASES:
            endpoint = case.endpoint
            origin = Origin(endpoint.service, endpoint.port, latency.dial_host(endpoint.service))
            for mode in ("cold", "warm"):
                loads = await _loads(case, origin, page, runs, warm=mode == "warm")
                results.append(summary(case, page_name, rtt_ms, mode, loads))
                row = results[-1]
                progress(
                    f"[{len(results):3d}/{total}] rtt {rtt_ms:g} ms  {page_name:9s} {case.label:14s} {mode}: "
                    f"median {row['median_ms']:7.1f} ms (bound {row['lower_bound_ms']:g})"
                )
    return results


async def browser_loads(rtt_ms: float, runs: int, latency) -> list[dict]:
    rules = "MAP * 127.0.0.1" if latency.dial_host("x") == "127.0.0.1" else None
    results = []
    for page_name, page in PAGES.items():
        for endpoint in ENDPOINTS:
            for quic in [False, True] if endpoint.http3 else [False]:
                origin = f"{endpoint.service}:{endpoint.port}"
                loads = await browser.load_times(
                    f"https://{origin}{page}",
                    runs,
                    server_certificate=SERVER_CERTIFICATE,
                    quic_origin=origin if quic else None,
                    host_rules=rules,
                )
                load_ms = [load["load_ms"] for load in loads]
                protocols = sorted({p for load in loads for p in [load["page_protocol"], *load["resource_protocols"]]})
                results.append(
                    {
                        "page": page_name,
                        "rtt_ms": rtt_ms,
                        "port": endpoint.port,
                        "service": endpoint.service,
                        "asked_for": "h3" if quic else "tcp",
                        "protocols_used": protocols,
                        "median_load_ms": round(median(load_ms), 1),
                        "p95_load_ms": round(p95(load_ms), 1),
                        "runs": loads,
                    }
                )
                progress(
                    f"browser rtt {rtt_ms:g} ms  {page_name:9s} {endpoint.port} {'h3' if quic else 'tcp':3s}: "
                    f"load {results[-1]['median_load_ms']:7.1f} ms over {', '.join(protocols)}"
                )
    return results


def throughput_runs(requests: int) -> list[dict]:
    targets = [
        (e.service, e.port, e.title, p)
        for e in (*ENDPOINTS, STATIC_NGINX)
        for p in ["http/1.1", "h2"]
        if p in e.protocols
    ]
    results = []
    for service, port, title, protocol in targets:
        measured = throughput.measure(service, port, protocol, requests)
        results.append(
            {
                "port": port,
                "service": service,
                "title": title,
                "protocol": protocol,
                "path": throughput.PATH,
                "clients": throughput.CLIENTS,
                **measured.as_dict(),
            }
        )
        progress(
            f"h2load {port} {protocol:8s}: {measured.requests_per_second:8.0f} req/s, "
            f"p50 {measured.latency_ms['p50']} ms, {measured.failed} failed"
        )
    return results
