"""A well-formed cost and scale result, as bench/scale.py writes it, for the tests that read one.

Every endpoint and stock pair of the registry is in it, at FULL's plan, with made-up
but plausible numbers: 1000 requests/s at 1.0 ms p50, 0.4 CPU seconds per 1000 requests,
and the ceiling (nginx serving the file) ten times that, so that every number is published.
"""

from dataclasses import asdict

from bench import breakdown, ceiling, choice
from bench.flood import HTTP3_ENDPOINTS
from bench.targets import FULL, OWN_ROUTES, STOCK_PAIRS, SWEEP, Target


def point(target: Target, protocol: str, connections: int) -> dict:
    return {
        "label": target.label, "host": target.host, "port": target.port, "title": target.title,
        "services": list(target.services), "path": target.path, "protocol": protocol, "connections": connections,
        "streams_per_connection": 8 if protocol == "h2" else 1,
        "requests": 2000, "succeeded": 2000, "failed": 0,
        "requests_per_second": 1000.0 * connections * (10 if target.label == ceiling.CEILING_LABEL else 1),
        "latency_ms": {"p50": 1.0, "p90": 2.0, "p99": 3.0, "max": 4.0, "mean": 1.2},
        "cpu_seconds": 0.9, "idle_cpu_seconds": 0.1, "window_seconds": 2.0,
        "cpu_seconds_per_1000": 0.4, "cores_busy": 0.4, "requests_per_core_second": 2500,
    }  # fmt: skip


def memory_row(target: Target) -> dict:
    return {
        "label": target.label, "title": target.title, "services": list(target.services), "asked": 100, "failed": 0,
        "open_with_one": 1, "open_with_many": 100, "anon_bytes_with_one": 40 * 2**20,
        "anon_bytes_with_many": 40 * 2**20 + 99 * 20_000, "bytes_per_connection": 20_000,
    }  # fmt: skip


def scale_run() -> dict:
    points = [
        point(target, protocol, connections)
        for target in (*SWEEP, *OWN_ROUTES)
        for protocol in FULL.protocols(target)
        for connections in FULL.connections
    ]
    memory = [memory_row(target) for target in SWEEP if "h2" in target.protocols]
    stock = [
        {"server": pair.server, "variant": variant} | point(target, target.protocols[0], 64)
        for pair in STOCK_PAIRS
        for variant, target in (("lab", pair.tuned), ("stock", pair.stock))
    ]
    layers = [
        {"server": server.name, "framework": server.framework, "layer": layer} | point(target, target.protocols[0], 64)
        for server in breakdown.SERVERS
        for layer, target in server.targets()
    ]
    points, stock, layers = (ceiling.judged(rows, points) for rows in (points, stock, layers))
    services = {service for row in points + stock for service in row["services"]}
    meta = {"started": "2026-01-01T000000Z", "plan": asdict(FULL), "path": "/static/tiles/r00c00.png"}
    meta |= {"own_routes": {target.label: target.path for target in OWN_ROUTES}}
    meta |= {"stock_connections": 64, "cores": 2, "shared": "h2load and the servers share these cores"}
    return {
        "meta": meta,
        "idle_cpu_per_second": {service: 0.05 for service in services},
        "background": {"containers_cores": 0.3, "machine_cores": 0.35},
        "points": points,
        "memory": memory,
        "breakdown": layers,
        "stock": stock,
        "settings": {service: {"command": ["serve", service]} for service in services},
        "choice": choice.rows(points, memory, {"nginx": "nginx/1.26.3"}),
        "floods": [flood_row(endpoint) for endpoint in HTTP3_ENDPOINTS],
    }


def flood_row(endpoint) -> dict:
    return {
        "label": str(endpoint.port), "service": endpoint.service, "title": endpoint.title, "initials": 3000,
        "flood": "sent 3000 in 3.0 s", "anon_bytes_before": 50 * 2**20, "anon_bytes_after_flood": 150 * 2**20,
        "waited_seconds": 65, "anon_bytes_later": 150 * 2**20, "kept_bytes": 100 * 2**20, "returned": False,
    }  # fmt: skip
