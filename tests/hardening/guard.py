"""What must hold while an endpoint is attacked: a polite neighbour keeps getting 200,
the service stays up and healthy, and its logs show no crash.

    with guarded(endpoint):
        ...attack...
"""

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from lab import Endpoint
from quic_abuse import Http3Neighbour, http3_answers
from stack import container_state, health_log, logs_since, wait_healthy
from wire import h2_get, http_client

# Log lines that mean the server crashed or failed inside, not that it refused a client.
CRASH_SIGNS = (
    "Traceback",
    "Unhandled Error",
    "Unhandled error",
    "[crit]",
    "[alert]",
    "[emerg]",
    "exited on signal",
    "WORKER TIMEOUT",
)
LOG_PATIENCE = 10  # seconds the marking request's access-log line may take to reach docker (measured: under 0.1)
LOG_POLL = 0.05  # seconds between two reads of a log that does not show the mark yet
POLITE_PAUSE = 0.1  # seconds between the neighbour's requests
POLITE_MAX_REQUESTS = 600  # the neighbour's bound, whatever the attack's length


class PoliteNeighbour(threading.Thread):
    """GET / in a loop over its own HTTP/2 connection, recording every outcome."""

    def __init__(self, endpoint: Endpoint):
        super().__init__(daemon=True, name=f"neighbour-{endpoint.name}")
        self.endpoint = endpoint
        self.outcomes: list[str] = []  # "200", "503", or the error
        self.first = threading.Event()
        self._finished = threading.Event()

    def run(self) -> None:
        with http_client(self.endpoint, http2=True) as client:
            for _ in range(POLITE_MAX_REQUESTS):
                try:
                    self.outcomes.append(str(client.get("/").status_code))
                except Exception as error:  # noqa: BLE001 - every failure is an outcome to report
                    self.outcomes.append(f"{type(error).__name__}: {error}")
                self.first.set()
                if self._finished.wait(POLITE_PAUSE):
                    break

    def finish(self) -> list[str]:
        self._finished.set()
        self.join(timeout=15)
        return self.outcomes


def healthy_state(service: str) -> str:
    """Attack only a healthy service, so that what goes wrong afterwards is the attack's doing."""
    wait_healthy(service)
    return container_state(service)


# A traceback that ends in this, in this service's log, is a known upstream flaw, not a
# crash of the attack's making: the attacks' checks read past it. Beside it, what the flaw
# is, with the versions, as a strict xfail's reason would say (docs/hardening.md shows it).
KNOWN_TRACEBACKS = {
    "uvicorn_quart": (
        "zttp.LocalProtocolError: invalid HTTP/2 send",
        "Uvicorn 0.54.0 (zttp 0.0.35): when a client resets a stream while the app is still sending its "
        "response, the app's next send raises zttp.LocalProtocolError, which Quart leaves unhandled "
        "(Exception in ASGI application); the connection and the server go on. Rare: seen once in rapid reset",
    ),
}


def crash_excerpt(log: str, service: str, lines: int = 40) -> str:
    """The log from its first crash sign on (a traceback, with the exception it ends in), or "".
    A traceback that ends in the service's known upstream flaw (KNOWN_TRACEBACKS) is read past."""
    logged = log.splitlines()
    known = KNOWN_TRACEBACKS.get(service, ("\0", ""))[0]
    at = 0
    while (first := next((n for n in range(at, len(logged)) if crash_sign(logged[n])), None)) is not None:
        ending = next(
            (n for n in range(first + 1, len(logged)) if known in logged[n] or starts_traceback(logged[n])), None
        )
        if ending is None or known not in logged[ending]:
            return "\n".join(logged[first : first + lines])
        at = ending + 1
    return ""


def mark_the_logs(endpoint: Endpoint) -> str:
    """GET a path no one else asks for, on a new connection, once the attack is over; the path.
    Its access-log line marks the end of what the attack made the servers log: a server logs
    what a connection did to it before it answers a request on the next one (any answer: the
    app's 404). nginx passes it on, so Flask's log is marked too."""
    path = f"/h2lab-after-the-attack/{uuid.uuid4().hex}"
    try:
        with http_client(endpoint, http2=endpoint.http2) as client:
            client.get(path)
    except Exception as error:  # noqa: BLE001 - any failure to answer is what the check reports
        raise AssertionError(
            f"{endpoint}: expected an answer to GET {path} on a new connection after the attack, "
            f"saw {type(error).__name__}: {error}"
        ) from None
    return path


def crash_logged(service: str, since: str, mark: str) -> str:
    """The crash in what the service logged since an RFC 3339 time (crash_excerpt), or "",
    read once the log shows `mark` (mark_the_logs): no lines of the attack's are still on their way."""
    deadline = time.monotonic() + LOG_PATIENCE
    while mark not in (logged := logs_since(service, since)):
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{service}: expected its access log to show GET {mark} within {LOG_PATIENCE} s of its answer, "
                f"it did not; its last lines:\n{logged[-2000:]}"
            )
        time.sleep(LOG_POLL)  # between two reads of the log, until the marked line arrives
    return crash_excerpt(logged, service)


def crash_sign(line: str) -> bool:
    return any(sign in line for sign in CRASH_SIGNS)


def starts_traceback(line: str) -> bool:
    """A crash sign that is not inside an exception group's traceback (whose lines start "  |")."""
    return crash_sign(line) and not line.lstrip().startswith("|")


@contextmanager
def guarded(endpoint: Endpoint, *, http3: bool = False) -> Iterator[PoliteNeighbour | Http3Neighbour]:
    """Run the attack in the with-block; then check the neighbour, the container and the logs.
    For an attack on QUIC (`http3`), the neighbour and the new connection after it are HTTP/3."""
    before = healthy_state(endpoint.service)
    since = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    neighbour = Http3Neighbour(endpoint, POLITE_PAUSE, POLITE_MAX_REQUESTS) if http3 else PoliteNeighbour(endpoint)
    neighbour.start()
    neighbour.first.wait(10)
    try:
        yield neighbour
    finally:
        outcomes = neighbour.finish()
    failed = [outcome for outcome in outcomes if outcome != "200"]
    assert outcomes and not failed, (
        f"{endpoint}: expected a polite client's GET / to get 200 throughout the attack, "
        f"saw {len(failed)} of {len(outcomes)} fail: {failed[:3]}"
    )
    status = http3_answers(endpoint) if http3 else str(h2_get(endpoint, "/", enable_push=False).response.status)
    assert status == "200", (
        f"{endpoint}: expected GET / on a new {'QUIC ' if http3 else ''}connection after the attack to get 200, "
        f"got {status}"
    )
    crash = crash_logged(endpoint.service, since, mark_the_logs(endpoint))
    assert not crash, f"{endpoint}: expected no crash in {endpoint.service}'s logs during the attack, saw:\n{crash}"
    after = container_state(endpoint.service)
    assert after == before and after.endswith("running healthy"), (
        f"{endpoint}: expected {endpoint.service} up and healthy as before ({before}), saw {after}; "
        f"its last healthchecks:\n{health_log(endpoint.service)}"
    )
