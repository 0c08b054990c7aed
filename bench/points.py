"""The scale run's measurements, one at a time: a group of containers idle, one h2load
point with what it cost them, their memory with idle HTTP/2 connections held open.
Run on the host: the loads run in the bench container, the counters come through docker exec."""

import json
import time

from bench import docker
from bench.cost import bytes_per_connection, cpu_cost, requests_per_core_second
from bench.targets import Plan, Target
from bench.throughput import RESULT, WINDOW_CLOSES, WINDOW_OPENS
from measure.cgroup import added
from measure.h2load import STREAMS_PER_CONNECTION


def idle_rates(containers: dict[str, str], seconds: int) -> dict[str, float]:
    """CPU seconds per second each container spends with no load on it (its healthchecks)."""
    before = docker.usage(list(containers.values()))
    start = time.monotonic()
    time.sleep(seconds)  # the measured window itself, not a wait for readiness
    after = docker.usage(list(containers.values()))
    elapsed = time.monotonic() - start
    rates = [(a.cpu_seconds - b.cpu_seconds) / elapsed for b, a in zip(before, after, strict=True)]
    return {service: round(rate, 4) for service, rate in zip(containers, rates, strict=True)}


def load_point(
    bench: docker.BenchContainer, target: Target, protocol: str, connections: int, plan: Plan, names: dict, idle: dict
) -> dict:
    """One h2load run; the containers' counters are read as its measured window opens and closes."""
    containers = [names[service] for service in target.services]
    command = ["python3", "-m", "bench.throughput", "--host", target.host, "--port", str(target.port)]
    command += ["--protocol", protocol, "--connections", str(connections)]
    command += ["--seconds", str(plan.seconds), "--warm-up", str(plan.warm_up), "--path", target.path]
    command += ["--cleartext"] if target.cleartext else []
    readings, measured, said = [], None, []
    with bench.popen(*command) as load:
        for line in load.stdout:
            said.append(line)
            if line.startswith((WINDOW_OPENS, WINDOW_CLOSES)):
                readings.append((time.monotonic(), docker.usage(containers)))
            elif line.startswith(RESULT):
                measured = json.loads(line.removeprefix(RESULT))
    if measured is None or len(readings) != 2:
        raise RuntimeError(f"h2load against {target.label} over {protocol} at {connections}: {''.join(said)}")
    (opened, before), (closed, after) = readings
    idle_rate = sum(idle[service] for service in target.services)
    cost = cpu_cost(measured["requests"], added(before, after).cpu_seconds, closed - opened, idle_rate)
    return {
        "label": target.label, "host": target.host, "port": target.port, "title": target.title,
        "services": list(target.services), "path": target.path, "protocol": protocol, "connections": connections,
        "streams_per_connection": STREAMS_PER_CONNECTION if protocol == "h2" else 1,
        **measured, **cost,
        "requests_per_core_second": requests_per_core_second(measured["requests_per_second"], cost["cores_busy"]),
    }  # fmt: skip


def idle_memory(bench: docker.BenchContainer, target: Target, count: int, names: dict) -> dict:
    """The containers' anonymous memory with 1 idle HTTP/2 connection open, then with `count`."""
    containers = [names[service] for service in target.services]
    command = ["python3", "-m", "bench.idle", "--host", target.host, "--port", str(target.port)]
    readings, failed = [], 0
    with bench.popen(*command, "--counts", f"1,{count}", stdin=True) as holder:
        for line in holder.stdout:
            if line.startswith("open "):
                _, _, still_open, failed = line.split()
                readings.append((int(still_open), sum(usage.anon_bytes for usage in docker.usage(containers))))
                holder.stdin.write("\n")
                holder.stdin.flush()
    if len(readings) != 2:
        raise RuntimeError(f"idle connections to {target.label}: {len(readings)} readings of 2 (its stderr above)")
    (few_open, few_bytes), (many_open, many_bytes) = readings
    return {
        "label": target.label, "title": target.title, "services": list(target.services),
        "asked": count, "failed": int(failed), "open_with_one": few_open, "open_with_many": many_open,
        "anon_bytes_with_one": few_bytes, "anon_bytes_with_many": many_bytes,
        "bytes_per_connection": bytes_per_connection(readings[0], readings[1]),
    }  # fmt: skip
