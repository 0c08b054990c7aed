"""make bench's cost and scale part, on the host, before the bench container's part:

    python3 -m bench.scale [--quick] [--out results]

Each server's CPU and memory come from its container's own cgroup counters, read
with docker exec: so this runs on the host (standard library only), and every load
runs in one long-lived bench container on the compose network.

    1. every container idle for a few seconds: the CPU of its healthchecks, taken off later
    2. each server's memory with 1 and with 500 idle HTTP/2 connections open
    3. h2load at 1, 8, 64 and 256 connections over HTTP/2 and HTTP/1.1, every endpoint,
       nginx serving the files itself, and Granian's own static route (apart from its app):
       requests/s, p50, p99, errors, CPU per 1000 requests; nginx serving the file is the
       ceiling each point is judged against (bench/ceiling.py)
    4. where the time goes, per Python server (bench/breakdown.py): the same tile from a minimal
       app, through the framework, as the file response, at 64 connections
    5. each Python server stock (compose profile stock) against the lab's configuration, at 64
    6. a flood of QUIC Initials at each HTTP/3 server: the memory it leaves, then and 65 s later

It writes OUT/scale.json; `python3 -m bench` then puts it into bench.json, draws it
and checks it. h2load, the servers and everything else on the machine share its
cores: these are costs on this machine, in this run.
"""

import argparse
import json
import os
import time
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from bench import breakdown, ceiling, choice, docker, flood, settings
from bench.points import idle_memory, idle_rates, load_point
from bench.targets import FULL, OWN_ROUTES, QUICK, STOCK_CONNECTIONS, STOCK_PAIRS, STOCK_SERVICES, SWEEP, Plan
from measure.h2load import PATH


def progress(message: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')}  {message}", flush=True)


@contextmanager
def stock_servers():
    """The stock variants, healthy, for as long as they are measured; removed afterwards, and
    when one of them never becomes healthy (a later make up would find them still running)."""
    try:
        docker.compose("--profile", "stock", "up", "--detach", "--wait", "--no-deps", *STOCK_SERVICES)
        yield {service: docker.container_name(service) for service in STOCK_SERVICES}
    finally:
        docker.compose("--profile", "stock", "kill", *STOCK_SERVICES)  # nothing in them to finish gracefully
        docker.compose("--profile", "stock", "rm", "--force", *STOCK_SERVICES)


def stock_against_tuned(
    bench: docker.BenchContainer, plan: Plan, points: list[dict], names: dict, idle: dict
) -> list[dict]:
    """Each pair at STOCK_CONNECTIONS: the lab's variant from the sweep where it has that point
    (else measured now, before the stock ones start), then the stock variant."""
    lab = {}
    for pair in STOCK_PAIRS:
        key = (pair.tuned.label, pair.tuned.protocols[0], STOCK_CONNECTIONS)
        swept = next((p for p in points if (p["label"], p["protocol"], p["connections"]) == key), None)
        lab[pair.server] = swept or load_point(bench, pair.tuned, key[1], STOCK_CONNECTIONS, plan, names, idle)
    rows = []
    with stock_servers() as stock_names:
        stock_idle = idle_rates(stock_names, plan.idle_seconds)
        for pair in STOCK_PAIRS:
            stock = load_point(
                bench, pair.stock, pair.stock.protocols[0], STOCK_CONNECTIONS, plan, stock_names, stock_idle
            )
            for variant, row in (("lab", lab[pair.server]), ("stock", stock)):
                rows.append({"server": pair.server, "variant": variant} | row)
                report(row, variant)
    return rows


def report(row: dict, what: str) -> None:
    progress(
        f"{what} {row['label']} {row['protocol']} ×{row['connections']}: "
        f"{row['requests_per_second']:8.0f} req/s, p50 {row['latency_ms'].get('p50')} ms, "
        f"p99 {row['latency_ms'].get('p99')} ms, {row['failed']} failed, "
        f"{row['cpu_seconds_per_1000']} CPU s per 1000"
    )


def measure(plan: Plan) -> dict:
    names = {service: docker.container_name(service) for service in dict.fromkeys(s for t in SWEEP for s in t.services)}
    with docker.bench_container() as bench:
        progress(f"idle CPU of {len(names)} containers over {plan.idle_seconds} s (their healthchecks)")
        machine_before = ceiling.machine_times()
        idle = idle_rates(names, plan.idle_seconds)
        background = {
            "containers_cores": ceiling.background_cores(idle),
            "machine_cores": ceiling.machine_cores_busy(machine_before, ceiling.machine_times(), os.cpu_count()),
        }
        progress(
            f"background: the lab's containers {background['containers_cores']} cores idle, "
            f"the whole machine {background['machine_cores']} of {os.cpu_count()}"
        )
        memory = []  # first: a server just loaded holds memory it may give back while measured
        for target in (t for t in SWEEP if "h2" in t.protocols):
            memory.append(idle_memory(bench, target, plan.idle_connections, names))
            row = memory[-1]
            progress(
                f"memory {target.label}: {row['bytes_per_connection']} bytes per idle connection "
                f"({row['open_with_many']} open of {row['asked']}, {row['failed']} failed)"
            )
        points = []
        for target in (*SWEEP, *OWN_ROUTES):
            for protocol in plan.protocols(target):
                for connections in plan.connections:
                    points.append(load_point(bench, target, protocol, connections, plan, names, idle))
                    report(points[-1], "h2load")
        layers = breakdown.measure(bench, plan, names, idle, progress)
        stock = stock_against_tuned(bench, plan, points, names, idle)
        progress(f"QUIC Initial floods: {plan.flood_initials} at each HTTP/3 server, memory {plan.flood_wait} s later")
        floods = flood.flood_memory(bench, plan.flood_initials, plan.flood_wait, progress)
    points, stock, layers = (ceiling.judged(rows, points) for rows in (points, stock, layers))
    for point in (p for p in points + stock + layers if p["verdict"] == "harness"):
        top = point["ceiling_requests_per_second"]
        progress(
            f"harness-limited: {point['label']}{' ' + point['layer'] if 'layer' in point else ''} "
            f"{point['protocol']} ×{point['connections']} ("
            + (
                f"ceiling {top:.0f} req/s, not {ceiling.MARGIN}× its {point['requests_per_second']:.0f})"
                if top
                else "no ceiling measured at its protocol and connections)"
            )
        )
    return {
        "idle_cpu_per_second": idle, "background": background, "points": points, "memory": memory,
        "breakdown": layers, "stock": stock, "floods": floods,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(prog="python3 -m bench.scale")
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer points, 2 s each")
    parser.add_argument("--out", type=Path, default=Path("results"))
    arguments = parser.parse_args()
    plan = QUICK if arguments.quick else FULL
    started = time.strftime("%Y-%m-%dT%H%M%SZ", time.gmtime())
    print(f"cost and scale (near: straight at each server, on {os.cpu_count()} shared cores): h2load", flush=True)
    measured = measure(plan)
    config = json.loads(docker.compose("--profile", "stock", "config", "--format", "json"))
    services = list(dict.fromkeys(s for t in SWEEP for s in t.services)) + STOCK_SERVICES
    versions_file = arguments.out / "versions.json"
    versions = json.loads(versions_file.read_text()) if versions_file.exists() else {}
    meta = {
        "started": started,
        "finished": time.strftime("%Y-%m-%dT%H%M%SZ", time.gmtime()),
        "plan": asdict(plan),
        "path": PATH,
        "own_routes": {target.label: target.path for target in OWN_ROUTES},
        "stock_connections": STOCK_CONNECTIONS,
        "cores": os.cpu_count(),
        "shared": "h2load (one thread), the servers and the rest of the stack share these cores",
    }
    result = {"meta": meta, **measured, "settings": settings.of_services(config, services, Path())}
    result["choice"] = choice.rows(measured["points"], measured["memory"], versions)
    (arguments.out / "scale.json").write_text(json.dumps(result, indent=1))
    print(f"cost and scale: {arguments.out / 'scale.json'}", flush=True)


if __name__ == "__main__":
    main()
