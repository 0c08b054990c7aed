"""Throughput with h2load (Debian's nghttp2-client): fixed concurrency, fixed requests.

h2load speaks TLS with ALPN but cannot be given a CA to verify against; the
page-load client and the probes verify every certificate, this only loads.
"""

import re
import socket
import statistics
import subprocess
import tempfile
from dataclasses import asdict, dataclass

from bench.stats import percentile

PATH = "/static/tiles/r00c00.png"  # a small asset every server, and static nginx, serves
CLIENTS = 8
STREAMS_PER_CLIENT = 8  # HTTP/2 only; HTTP/1.1 sends one request at a time per connection


@dataclass
class Throughput:
    requests: int
    succeeded: int
    failed: int
    requests_per_second: float
    latency_ms: dict[str, float]  # p50, p90, p99, max

    def as_dict(self) -> dict:
        return asdict(self)


def measure(host: str, port: int, protocol: str, requests: int) -> Throughput:
    """h2load against https://host:port/PATH over "http/1.1" or "h2"."""
    address = socket.gethostbyname(host)  # h2load's URI parser refuses "_" in host names
    with tempfile.NamedTemporaryFile("r", suffix=".log") as log:
        command = [
            "h2load",
            "-n",
            str(requests),
            "-c",
            str(CLIENTS),
            "--log-file",
            log.name,
            f"https://{address}:{port}{PATH}",
        ]
        command += ["--h1"] if protocol == "http/1.1" else ["-m", str(STREAMS_PER_CLIENT)]
        output = subprocess.run(command, capture_output=True, text=True, timeout=300).stdout
        try:
            return parse(output, log.read())
        except ValueError as error:
            raise RuntimeError(f"h2load against {host}:{port} over {protocol}: {error}") from None


def parse(output: str, request_log: str) -> Throughput:
    """h2load's summary, and its --log-file (one line a request: start, status, microseconds)."""
    fields = [line.split("\t") for line in request_log.splitlines()]
    durations = sorted(int(f[2]) / 1000 for f in fields if len(f) >= 3 and not f[1].startswith("1"))
    rate = re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", output)
    counts = re.search(r"requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed", output)
    if not (rate and counts and durations):
        raise ValueError(f"no summary or no timed request in what h2load said:\n{output}")
    return Throughput(
        requests=int(counts[1]),
        succeeded=int(counts[2]),
        failed=int(counts[3]),
        requests_per_second=float(rate[1]),
        latency_ms={name: round(percentile(durations, q), 2) for name, q in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)]}
        | {"max": round(durations[-1], 2), "mean": round(statistics.fmean(durations), 2)},
    )
