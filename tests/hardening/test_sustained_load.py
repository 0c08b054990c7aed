"""Sustained load: h2load saturates each endpoint over each protocol it offers for a fixed
time. No request may fail, the servers must stay up (no restart) with no crash in their logs
and be healthy again once the load ends (during it, the healthcheck may queue behind it),
and their memory must come back within a bound.

A short load comes first: it grows what a server keeps once it has seen a load (pools,
caches, allocator arenas; Hypercorn's 120 MiB become 180), so that the measured load shows
growth run to run, not the first run's.
"""

import pytest

from lab import ENDPOINTS
from load import MIB, MemoryWatch, h2load
from unharmed import param, record, served_by, unharmed

# Seconds, each at least one run of 128 requests (load.py), whatever the
# server's speed: enough for every connection to reach a steady state, and for anything a
# load leaves behind to show in memory. A longer form can pass its own.
LOAD_SECONDS = 2
FIRST_LOAD_SECONDS = 1
SETTLE_PATIENCE = 20  # seconds memory may take to come back after the load
MEMORY_SLACK = 32 * MIB  # what a container may keep over its memory before the measured load


def loads() -> list:
    return [
        param(endpoint, protocol, id=f"{endpoint.name}-{protocol}")
        for endpoint in ENDPOINTS
        for protocol in endpoint.tcp_protocols
    ]


@pytest.mark.parametrize(("endpoint", "protocol"), loads())
def test_sustained_load(request, endpoint, protocol):
    with unharmed(endpoint, saturating=True):
        memory = [MemoryWatch(service) for service in served_by(endpoint)]

        def watch_memory() -> None:
            for watch in memory:
                watch.start()

        try:
            first, measured = h2load(endpoint, protocol, FIRST_LOAD_SECONDS, LOAD_SECONDS, between=watch_memory)
        finally:
            for watch in memory:
                watch.stop()
        for watch in memory:
            watch.settle(watch.before + MEMORY_SLACK, SETTLE_PATIENCE)
        record(
            request,
            f"{endpoint.name} {protocol}",
            f"{measured.requests_per_second:.0f} req/s, {measured.failed} of {measured.requests} failed; "
            + "; ".join(map(str, memory)),
        )
        for load, seconds in [(first, FIRST_LOAD_SECONDS), (measured, LOAD_SECONDS)]:
            assert load.requests and load.failed == 0 and load.succeeded == load.requests, (
                f"{endpoint}: expected every request of {seconds} s of h2load over {protocol} to succeed, "
                f"saw {load.failed} failed and {load.requests - load.succeeded} not 2xx/3xx of {load.requests}"
            )
        grown = [str(watch) for watch in memory if watch.after > watch.before + MEMORY_SLACK]
        assert not grown, (
            f"{endpoint}: expected memory back within {MEMORY_SLACK // MIB} MiB of where it was before the load, "
            f"{SETTLE_PATIENCE} s after it at most, saw {grown}"
        )
