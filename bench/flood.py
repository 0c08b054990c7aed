"""What a flood of QUIC Initials leaves in each HTTP/3 server's memory, and whether it comes back:
make bench's scale part, on the host (the cgroup counters come by docker exec).

Each HTTP/3 server in turn gets `initials` new clients' Initials from the bench container
(clients/quic_flood.py, on the compose network), answering nothing. Its anonymous memory is read
before, at once after, and `wait` seconds after its flood: past the servers' own 60 s idle
timeouts in a full run, so every half-made connection is gone by then. What is still held then
is "kept". A memory figure, so it is measured here, never judged in a timed test.
"""

import time

from bench import docker
from endpoints import ENDPOINTS

HTTP3_ENDPOINTS = [endpoint for endpoint in ENDPOINTS if endpoint.http3]
KEPT_BOUND = 10 * 2**20  # bytes: less than this still held once its connections are gone is "returned"


def anonymous_bytes(container: str) -> int:
    return docker.usage([container])[0].anon_bytes


def flood_memory(bench: docker.BenchContainer, initials: int, wait: int, progress) -> list[dict]:
    """A row per HTTP/3 server: its memory before, after the flood and `wait` seconds later."""
    rows = []
    for endpoint in HTTP3_ENDPOINTS:
        container = docker.container_name(endpoint.service)
        before = anonymous_bytes(container)
        command = ["python3", "-m", "clients.quic_flood", endpoint.host_name, str(endpoint.port), str(initials)]
        with bench.popen(*command) as flooding:
            said = flooding.stdout.read().strip()
        if flooding.returncode != 0 or not said.startswith("sent"):
            raise RuntimeError(f"flood of {endpoint.service}: exit {flooding.returncode}, said {said!r}")
        rows.append(
            {"label": str(endpoint.port), "service": endpoint.service, "title": endpoint.title, "initials": initials,
             "flood": said, "flooded_at": time.monotonic(), "anon_bytes_before": before,
             "anon_bytes_after_flood": anonymous_bytes(container)}
        )  # fmt: skip
        progress(
            f"flood {endpoint.service}: {said}; memory {before / 2**20:.0f} → {rows[-1]['anon_bytes_after_flood'] / 2**20:.0f} MiB"
        )
    for row in rows:
        if (left := row["flooded_at"] + wait - time.monotonic()) > 0:
            time.sleep(left)  # the servers' idle timeouts, running out
        row["waited_seconds"] = round(time.monotonic() - row.pop("flooded_at"))
        row["anon_bytes_later"] = anonymous_bytes(docker.container_name(row["service"]))
        row["kept_bytes"] = row["anon_bytes_later"] - row["anon_bytes_before"]
        row["returned"] = row["kept_bytes"] < KEPT_BOUND
    return rows
