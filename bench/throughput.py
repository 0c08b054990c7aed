"""Throughput with h2load (Debian's nghttp2-client): N connections for a fixed time, after a warm-up.

    python3 -m bench.throughput --host nginx --port 8448 --protocol h2 --connections 64 --seconds 8 --warm-up 2

Run in the bench container by bench/scale.py, which reads the servers' CPU counters
when the measured window opens and closes: this prints WINDOW_OPENS and
WINDOW_CLOSES as they happen, then RESULT and the measurement as JSON.

nginx and a stock Hypercorn end an HTTP/2 connection after 1000 requests (GOAWAY), as
their defaults say (the lab's Hypercorn raises it: docs/hardening.md); h2load 1.64 then
fails every request that connection had left instead of opening a new one, in timed runs
too. So the window is filled with runs of a fixed number of requests per connection, fewer
than that: each run opens its connections (a TLS handshake per 900 requests at most) and
the window ends with the run that crosses it. The warm-up is one timed run; its rate sizes
those runs.

The command and the reading of h2load's output are measure/h2load.py's, shared with
the sustained-load test.
"""

import argparse
import json
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure.h2load import ELAPSED, PATH, STALL_SECONDS, STREAMS_PER_CONNECTION, Throughput, base_command, parse_runs

REQUESTS_PER_CONNECTION = 900  # per run: under the 1000 after which nginx and a stock Hypercorn send GOAWAY
WINDOW_OPENS = "window opens"
WINDOW_CLOSES = "window closes"
RESULT = "RESULT "
# A timed run stops its clients at its end, then waits for them: a connection the server
# has not taken up yet may wait for ever (a server that takes a new connection up only when
# a worker is free leaves the rest queued). So the warm-up is cut this long after its end.
WIND_DOWN_SECONDS = 3


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


def main() -> None:
    parser = argparse.ArgumentParser(prog="python3 -m bench.throughput")
    parser.add_argument("--host", required=True, help="a compose service name")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--protocol", choices=["h2", "http/1.1"], required=True)
    parser.add_argument("--cleartext", action="store_true", help="http://, for a backend behind nginx")
    parser.add_argument("--connections", type=int, required=True)
    parser.add_argument("--seconds", type=int, required=True)
    parser.add_argument("--warm-up", type=int, required=True)
    parser.add_argument("--path", default=PATH, help=f"what to GET (default {PATH})")
    arguments = parser.parse_args()
    address = socket.gethostbyname(arguments.host)  # h2load's URI parser refuses "_" in host names
    scheme = "http" if arguments.cleartext else "https"
    url = f"{scheme}://{address}:{arguments.port}{arguments.path}"
    measured = measure(url, arguments.protocol, arguments.connections, arguments.seconds, arguments.warm_up)
    print(RESULT + json.dumps(measured.as_dict()), flush=True)


if __name__ == "__main__":
    sys.exit(main())
