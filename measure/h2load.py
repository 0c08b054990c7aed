"""h2load (Debian's nghttp2-client), as the bench's throughput runs and the sustained-load
test use it: the asset it loads, the command, and its output read back.

h2load speaks TLS with ALPN but cannot be given a CA to verify against; the page-load
client and the probes verify every certificate, h2load only loads.
"""

import re
import statistics
from dataclasses import asdict, dataclass

from measure.stats import percentile

PATH = "/static/tiles/r00c00.png"  # a small asset every server, and static nginx, serves
STREAMS_PER_CONNECTION = 8  # HTTP/2 only; HTTP/1.1 sends one request at a time per connection
# A connection that gets no answer for this long is given up (h2load -N), so a
# server that stops answering ends the run; timeout kills h2load if even that fails.
STALL_SECONDS = 20
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
