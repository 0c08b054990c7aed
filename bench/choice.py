"""The table that answers "which should I use?": per endpoint, from one scale run, its
throughput per core where it went fastest, p99 at 64 connections, memory per idle
connection, what it offers (from the registry), and how mature it is (a judgement,
beside the versions measured)."""

from bench.targets import endpoint_target
from endpoints import ENDPOINTS, STATIC_NGINX

P99_AT = 64  # connections
# port: (judgement, the (service, package) pairs whose versions make the endpoint)
MATURITY = {
    8443: ("mature: nginx's HTTP/2 since 1.9.5 (2015), the usual production answer", [("nginx", "nginx"), ("flask_backend", "gunicorn")]),
    8444: ("stable but 0.x, one main maintainer; the only one with push, 103 and HTTP/3", [("quart_backend", "hypercorn")]),
    8445: ("new: Gunicorn's own HTTP/2 arrived in 25; Gunicorn itself mature", [("flask_backend", "gunicorn")]),
    8446: ("mature core; its HTTP/2 (since 16.3, 2016) little used", [("twisted_backend", "twisted")]),
    8447: ("mature (HTTP/1.1 only)", [("nginx", "nginx"), ("flask_backend", "gunicorn")]),
    8449: ("young (2022), Rust core (hyper), 2.x, small team", [("granian_flask", "granian")]),
    8450: ("young (2022), Rust core (hyper), 2.x, small team", [("granian_quart", "granian")]),
    8451: ("experimental: zttp is 0.0.x", [("uvicorn_quart", "uvicorn"), ("uvicorn_quart", "zttp")]),
    8452: ("mature (Django, Daphne 4.x); its HTTP/2 is Twisted's, little used", [("django_backend", "daphne"), ("django_backend", "django")]),
    8453: ("a lesson, not a server: 250 lines of this lab's own on h2", [("h2_by_hand", "h2")]),
    8454: ("mature HTTP/1.1; its HTTP/3 (aioquic) still young, no HTTP/2", [("sanic_backend", "sanic"), ("sanic_backend", "aioquic")]),
    8448: ("mature (files only, no Python)", [("nginx", "nginx")]),
}  # fmt: skip


def version(versions: dict[str, str], service: str, package: str) -> str:
    """'gunicorn 27.0.1' from versions.json's '3.13.5 flask==3.1.3 gunicorn==27.0.1', or 'nginx/1.26.3'."""
    for token in versions.get(service, "").split():
        for separator in ("==", "/"):
            if token.startswith(package + separator):
                return f"{package} {token.removeprefix(package + separator)}"
    return f"{package} (version unknown)"


def rows(points: list[dict], memory: list[dict], versions: dict[str, str]) -> list[dict]:
    table = []
    for endpoint in (*ENDPOINTS, STATIC_NGINX):
        target = endpoint_target(endpoint)
        protocol = target.protocols[0]  # HTTP/2 where offered
        own = [p for p in points if (p["label"], p["protocol"]) == (target.label, protocol)]
        if not own:
            continue
        best = max(own, key=lambda point: point["requests_per_second"])
        at_p99 = next((p for p in own if p["connections"] == P99_AT), None)
        idle = next((m for m in memory if m["label"] == target.label), None)
        judgement, packages = MATURITY[endpoint.port]
        table.append({
            "label": target.label, "title": endpoint.title, "protocol": protocol,
            "best_connections": best["connections"], "requests_per_second": best["requests_per_second"],
            "verdict": best.get("verdict"),
            "requests_per_core_second": best["requests_per_core_second"],
            "p99_ms_at_64": at_p99["latency_ms"].get("p99") if at_p99 else None,
            "bytes_per_connection": idle["bytes_per_connection"] if idle else None,
            "push": endpoint.pushes, "early_hints": endpoint.early_hints, "http3": endpoint.http3,
            "maturity": judgement, "versions": [version(versions, *pair) for pair in packages],
        })  # fmt: skip
    return table
