"""A saturating load of fixed length from h2load, in the bench container on the compose
network; and the memory of the containers that carry it, sampled meanwhile as make bench
reads it (measure/cgroup.py).

The load is a series of h2load runs of a fixed number of requests, as bench.throughput's
measured window is, until the time is up: each run ends when its last response is in,
so the load ends with no request cut off (a timed h2load run would end by hanging up on
every request in flight, a different test). h2load cannot be given a CA to verify against
(measure/h2load.py); the probes verify every certificate, this only loads.
"""

import atexit
import functools
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from lab import Endpoint
from measure.h2load import PATH, STALL_SECONDS, STREAMS_PER_CONNECTION, Throughput, parse_runs
from stack import anonymous_memory, compose, docker

CONNECTIONS = 16  # h2load's connections; over HTTP/2 each carries STREAMS_PER_CONNECTION streams at a time
# Per run (128 requests): a run ends within about 2 s even on the slowest server here under
# the other attacks' load (Gunicorn's HTTP/1.1, 60 req/s), so a window overshoots its time
# by that at most (runs of 512 made a 1 + 4 s load take 17 s).
REQUESTS_PER_CONNECTION = 8
RUN_LIMIT = 60  # seconds one run may take before it is killed (h2load gives up a silent connection sooner)
SAMPLE_EVERY = 0.5  # seconds between two reads of a container's memory
MIB = 2**20
LOG, END = "@@ log", "@@ end"  # what the script prints between a run's summary, its request log and the next run
WARMED = "@@ warmed"  # between the warm-up's runs and the measured ones
BENCH_LIFETIME = 1800  # seconds a test process's bench container lives at most, should nothing remove it


@functools.cache
def bench_container() -> str:
    """A bench container for this test process's loads, started once (a container's start
    costs about a CPU-second and a second on a loaded machine) and removed when the process
    ends. It ends itself after BENCH_LIFETIME if that removal never comes."""
    started = compose(
        "--profile", "bench", "run", "--detach", "--rm", "--no-deps", "bench", "sleep", str(BENCH_LIFETIME)
    )
    container = started.stdout.strip()
    atexit.register(docker, "rm", "--force", container)
    return container


def runs_script(endpoint: Endpoint, protocol: str, warm_seconds: int, seconds: int) -> list[str]:
    """sh -c arguments: h2load runs, each followed by its request log, the first at once and
    more until `warm_seconds` have passed; WARMED, and a line read from stdin; then runs so
    until `seconds` have passed. (The clock is read after a run: read before the first, a
    second of `date +%s` could end before it, and a warm-up would have no run at all.)
    By address: h2load's URI parser refuses "_" in host names."""
    mode = "--h1" if protocol == "http/1.1" else f"-m {STREAMS_PER_CONNECTION}"
    requests = CONNECTIONS * REQUESTS_PER_CONNECTION
    return [
        "sh",
        "-c",
        'address=$(getent ahostsv4 "$1" | head -n 1 | cut -d " " -f 1); port=$2; '
        "runs() { end=$(($(date +%s) + $1)); while :; do "
        f"timeout {RUN_LIMIT} h2load -c {CONNECTIONS} -n {requests} -N {STALL_SECONDS} {mode} "
        f'--log-file /tmp/requests.log "https://$address:$port{PATH}" 2>&1; '
        f'echo "{LOG}"; cat /tmp/requests.log; echo "{END}"; '
        '[ "$(date +%s)" -lt "$end" ] || break; done; }; '
        f'runs "$3"; echo "{WARMED}"; read go; runs "$4"',
        "h2load-runs",
        endpoint.service,
        str(endpoint.port),
        str(warm_seconds),
        str(seconds),
    ]


def h2load(
    endpoint: Endpoint, protocol: str, warm_seconds: int, seconds: int, between: Callable[[], None]
) -> tuple[Throughput, Throughput]:
    """h2load at the endpoint over `protocol` ("h2" or "http/1.1") for `warm_seconds`, then
    `between()` while no load runs, then for `seconds` (each: one run more at most), in the
    process's bench container. Its errors go to a file, not a pipe no one reads while the
    warm-up's output is read."""
    with (
        tempfile.TemporaryFile(mode="w+") as error_file,
        subprocess.Popen(
            ["docker", "exec", "--interactive", bench_container()]
            + runs_script(endpoint, protocol, warm_seconds, seconds),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=error_file,
            text=True,
        ) as load,
    ):
        warm = []
        for line in load.stdout:  # the script waits for "go" after WARMED: nothing is read past it
            if line == f"{WARMED}\n":
                break
            warm.append(line)
        if load.poll() is None:
            between()
        try:
            measured, _ = load.communicate("go\n", timeout=seconds + RUN_LIMIT + 60)
        except subprocess.TimeoutExpired:
            load.kill()
            raise AssertionError(
                f"{endpoint}: h2load over {protocol} did not end within {seconds + RUN_LIMIT} s"
            ) from None
        error_file.seek(0)
        errors = error_file.read()
    return _parsed(endpoint, protocol, "".join(warm), errors), _parsed(endpoint, protocol, measured, errors)


def _parsed(endpoint: Endpoint, protocol: str, output: str, errors: str) -> Throughput:
    runs = [tuple(run.split(f"{LOG}\n", 1)) for run in output.split(f"{END}\n") if f"{LOG}\n" in run]
    try:
        return parse_runs(runs)
    except ValueError as error:
        raise AssertionError(f"{endpoint}: h2load over {protocol} did not run: {error}{errors}") from None


@dataclass
class MemoryWatch:
    """A container's memory before a load, its peak during it, and what it came back to after."""

    service: str
    before: int = 0
    peak: int = 0
    after: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self.before = self.peak = anonymous_memory(self.service)
        self._thread = threading.Thread(target=self._sample, daemon=True, name=f"memory-{self.service}")
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_EVERY):
            self.peak = max(self.peak, anonymous_memory(self.service))

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=15)

    def settle(self, bound: int, patience: float) -> int:
        """Read the memory until it is at most `bound` or `patience` seconds have passed; the last reading."""
        deadline = time.monotonic() + patience
        while True:
            self.after = anonymous_memory(self.service)
            if self.after <= bound or time.monotonic() > deadline:
                return self.after
            time.sleep(SAMPLE_EVERY)  # between two polls of a value, not a wait for readiness

    def __str__(self) -> str:
        return f"{self.service} {self.before / MIB:.0f} → peak {self.peak / MIB:.0f} → {self.after / MIB:.0f} MiB"
