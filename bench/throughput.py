"""Throughput with h2load (Debian's nghttp2-client): N connections for a fixed time, after a warm-up.

    python3 -m bench.throughput --host nginx --port 8448 --protocol h2 --connections 64 --seconds 8 --warm-up 2

Run in the bench container by bench/scale.py, which reads the servers' CPU counters
when the measured window opens and closes: this prints WINDOW_OPENS and
WINDOW_CLOSES as they happen, then RESULT and the measurement as JSON.

nginx and Hypercorn end an HTTP/2 connection after 1000 requests (GOAWAY), as their
defaults say; h2load 1.64 then fails every request that connection had left
instead of opening a new one, in timed runs too. So the window is filled with runs
of a fixed number of requests per connection, fewer than that: each run opens its
connections (a TLS handshake per 900 requests at most) and the window ends with
the run that crosses it. The warm-up is one timed run; its rate sizes those runs.

h2load speaks TLS with ALPN but cannot be given a CA to verify against; the
page-load client and the probes verify every certificate, this only loads.
"""

import argparse
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.stats import percentile

PATH = "/static/tiles/r00c00.png"  # a small asset every server, and static nginx, serves
STREAMS_PER_CONNECTION = 8  # HTTP/2 only; HTTP/1.1 sends one request at a time per connection
REQUESTS_PER_CONNECTION = 900  # per run: under the 1000 after which nginx and Hypercorn send GOAWAY
WINDOW_OPENS = "window opens"
WINDOW_CLOSES = "window closes"
RESULT = "RESULT "
# A connection that gets no answer for this long is given up (h2load -N), so a
# server that stops answering ends the run; timeout kills h2load if even that fails.
STALL_SECONDS = 20
# A timed run stops its clients at its end, then waits for them: a connection the server
# has not taken up yet may wait for ever (Gunicorn 27's HTTP/2 serves a busy connection
# in one thread, 2 workers × 8 threads here, and leaves the rest queued). So the
# warm-up is cut this long after its end.
WIND_DOWN_SECONDS = 3
UNIT_SECONDS = {"s": 1.0, "ms": 1e-3, "us": 1e-6}
ELAPSED = re.compile(r"finished in ([\d.]+)(s|ms|us),")


@dataclass
class Throughput:
    requests: int
    succeeded: int
    failed: int
    requests_per_second: float
    latency_ms: dict[str, float]  # p50, p90, p99, max, mean; none when no request ended

    def as_dict(self) -> dict:
        return asdict(self)


def base_command(url: str, protocol: str, connections: int) -> list[str]:
    load = ["h2load", "-c", str(connections), "-N", str(STALL_SECONDS), url]
    return load + (["--h1"] if protocol == "http/1.1" else ["-m", str(STREAMS_PER_CONNECTION)])


def requests_per_connection(warm_up_rate: float, connections: int, seconds: int, protocol: str) -> int:
    """A run's requests per connection: what the window would take at the warm-up's rate,
    at most REQUESTS_PER_CONNECTION, at least one round of streams."""
    least = STREAMS_PER_CONNECTION if protocol == "h2" else 1
    return max(least, min(REQUESTS_PER_CONNECTION, int(warm_up_rate * seconds / connections)))


def h2load(command: list[str], limit_seconds: float) -> str:
    done = subprocess.run(["timeout", str(round(limit_seconds)), *command], capture_output=True, text=True)
    return done.stdout + done.stderr


def warm_up_rate(url: str, protocol: str, connections: int, seconds: int) -> float:
    """Requests per second over a timed run that warms the server up (and is not measured);
    0 if it had to be cut (the runs then take one round of streams per connection)."""
    said = h2load([*base_command(url, protocol, connections), "-D", str(seconds)], seconds + WIND_DOWN_SECONDS)
    counts = re.search(r"requests: (\d+) total", said)
    return int(counts[1]) / seconds if counts else 0.0


def measure(url: str, protocol: str, connections: int, seconds: int, warm_up: int) -> Throughput:
    per_connection = requests_per_connection(
        warm_up_rate(url, protocol, connections, warm_up), connections, seconds, protocol
    )
    command = [*base_command(url, protocol, connections), "-n", str(connections * per_connection)]
    runs = []
    print(WINDOW_OPENS, flush=True)
    opened = time.monotonic()
    with tempfile.TemporaryDirectory() as logs:
        while time.monotonic() - opened < seconds:
            log = Path(logs, f"{len(runs)}.log")
            said = h2load([*command, "--log-file", str(log)], 3 * seconds + 2 * STALL_SECONDS)
            if not ELAPSED.search(said):
                break  # killed: the server stopped answering
            runs.append((said, log.read_text()))
    print(WINDOW_CLOSES, flush=True)
    return parse_runs(runs)


def _durations_ms(request_log: str) -> list[float]:
    """From h2load's --log-file (a line a request: start, status, microseconds), 1xx left out."""
    fields = [line.split("\t") for line in request_log.splitlines()]
    return sorted(int(f[2]) / 1000 for f in fields if len(f) >= 3 and not f[1].startswith("1"))


def _latency(durations: list[float]) -> dict[str, float]:
    return {name: round(percentile(durations, q), 2) for name, q in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)]} | {
        "max": round(durations[-1], 2),
        "mean": round(statistics.fmean(durations), 2),
    }


def parse(output: str, request_log: str) -> Throughput:
    """One h2load run: its summary, and its --log-file."""
    durations = _durations_ms(request_log)
    rate = re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", output)
    counts = re.search(r"requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed", output)
    if not (rate and counts and durations):
        raise ValueError(f"no summary or no timed request in what h2load said:\n{output}")
    return Throughput(
        requests=int(counts[1]),
        succeeded=int(counts[2]),
        failed=int(counts[3]),
        requests_per_second=float(rate[1]),
        latency_ms=_latency(durations),
    )


def parse_runs(runs: list[tuple[str, str]]) -> Throughput:
    """Several runs (output, request log) as one window: counts added, the rate over their
    summed time, percentiles over every request. No run: the server answered nothing."""
    if not runs:
        return Throughput(requests=0, succeeded=0, failed=0, requests_per_second=0.0, latency_ms={})
    parts = [parse(output, log) for output, log in runs]
    elapsed = sum(float(found[1]) * UNIT_SECONDS[found[2]] for found in (ELAPSED.search(o) for o, _ in runs))
    succeeded = sum(part.succeeded for part in parts)
    return Throughput(
        requests=sum(part.requests for part in parts),
        succeeded=succeeded,
        failed=sum(part.failed for part in parts),
        requests_per_second=round(succeeded / elapsed, 2),
        latency_ms=_latency(sorted(d for _, log in runs for d in _durations_ms(log))),
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python3 -m bench.throughput")
    parser.add_argument("--host", required=True, help="a compose service name")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--protocol", choices=["h2", "http/1.1"], required=True)
    parser.add_argument("--cleartext", action="store_true", help="http://, for a backend behind nginx")
    parser.add_argument("--connections", type=int, required=True)
    parser.add_argument("--seconds", type=int, required=True)
    parser.add_argument("--warm-up", type=int, required=True)
    arguments = parser.parse_args()
    address = socket.gethostbyname(arguments.host)  # h2load's URI parser refuses "_" in host names
    scheme = "http" if arguments.cleartext else "https"
    url = f"{scheme}://{address}:{arguments.port}{PATH}"
    measured = measure(url, arguments.protocol, arguments.connections, arguments.seconds, arguments.warm_up)
    print(RESULT + json.dumps(measured.as_dict()), flush=True)


if __name__ == "__main__":
    sys.exit(main())
