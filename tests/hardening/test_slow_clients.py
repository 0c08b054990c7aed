"""Clients that hold a connection without finishing anything: TLS and then silence, half a
preface, a header block that trickles in one CONTINUATION frame every half second (slowloris),
an upload that stops half way (POST /upload, a part of its body, then nothing), one whose body
trickles in a byte every half second, and a download
whose window the client never reopens (a slow read: the response waits on the server).
The server must let go of them within a bound.

The six arrive together, as a slowloris attacker sends them, under one guard: each waits
on the server's clock (10-15 s), so one after another they would take six times as long.
The first of a server's tests runs them (slow_clients_together), each test reads the
verdict on its own client.
"""

import functools
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait

import pytest
from hyperframe.frame import ContinuationFrame, DataFrame, SettingsFrame

from abuse import PREFACE, AbusiveConnection, Verdict, http2_endpoints, on_twisted
from guard import guarded
from lab import Endpoint
from website import upload

PATIENCE = 15  # seconds a server may take to drop a stalled client (nginx and Twisted are set to 10)
# Seconds between two CONTINUATION frames of the slow header block: well inside the shortest
# idle timer here (Gunicorn's 2 s keep-alive), so a late frame on a loaded machine is not
# taken for an idle connection, which would drop it for the wrong reason.
TRICKLE_PAUSE = 0.5
LARGEST_ASSET = "/static/css/bootstrap.min.css"  # 220 KB: more than any window or buffer holds
GRANIAN_WAITS_FOR_THE_PREFACE = {
    service: "Granian 2.8.7 (hyper 1.12.0): no timer runs between the TLS handshake and a whole HTTP/2 preface (the "
    "HTTP/1 header-read timeout does not apply, HTTP/2 keep-alive pings start after it): still open after 90 s"
    for service in ("granian_flask", "granian_quart")
}


def silence_after_tls(endpoint: Endpoint) -> Verdict:
    with AbusiveConnection(endpoint, preface=b"") as attacker:
        return attacker.watch(PATIENCE)


def half_a_preface(endpoint: Endpoint) -> Verdict:
    with AbusiveConnection(endpoint, preface=PREFACE[: len(PREFACE) // 2]) as attacker:
        return attacker.watch(PATIENCE)


def slow_header_block(endpoint: Endpoint) -> Verdict:
    with AbusiveConnection(endpoint) as attacker:
        attacker.send(attacker.headers_frame(1, attacker.encoder.encode(attacker.request_headers()), end_headers=False))
        deadline = time.monotonic() + PATIENCE
        field = 0
        while time.monotonic() < deadline and not attacker.verdict.refused:
            attacker.send(ContinuationFrame(1, data=attacker.encoder.encode([(f"x-slow-{field}", "a")])).serialize())
            attacker.watch(TRICKLE_PAUSE)
            field += 1
        return attacker.verdict


def upload_that_stops(endpoint: Endpoint) -> Verdict:
    """POST /upload declaring 1 MB, 16 KB of it, then nothing (a client gone quiet mid-body)."""
    with AbusiveConnection(endpoint) as attacker:
        attacker.send(attacker.headers_frame(1, attacker.encoder.encode(upload_fields(attacker)), end_stream=False))
        attacker.send(DataFrame(1, data=b"x" * 16_384).serialize())
        return attacker.watch(PATIENCE)


def upload_fields(attacker: AbusiveConnection) -> list[tuple[str, str]]:
    """POST /upload's header fields, declaring a body of 1 MB (after the pseudo-headers, which
    come first: RFC 9113 8.3)."""
    fields = [(name, "POST" if name == ":method" else value) for name, value in attacker.request_headers(upload.PATH)]
    return [*fields, ("content-length", "1000000")]


def slow_body(endpoint: Endpoint) -> Verdict:
    """POST /upload declaring 1 MB, then its body one byte at a time, one every TRICKLE_PAUSE
    (slowloris on the body, "R.U.D.Y."): every idle timer sees a client that is sending."""
    with AbusiveConnection(endpoint) as attacker:
        attacker.send(attacker.headers_frame(1, attacker.encoder.encode(upload_fields(attacker)), end_stream=False))
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline and not attacker.verdict.refused:
            attacker.send(DataFrame(1, data=b"x").serialize())
            attacker.watch(TRICKLE_PAUSE)
        return attacker.verdict


def window_never_reopened(endpoint: Endpoint) -> Verdict:
    """GET the largest asset with a stream window of 1 byte (SETTINGS_INITIAL_WINDOW_SIZE), and
    never a WINDOW_UPDATE: the response waits, held by the server, for a client that will not read."""
    settings = {SettingsFrame.INITIAL_WINDOW_SIZE: 1, SettingsFrame.ENABLE_PUSH: 0}
    with AbusiveConnection(endpoint, preface=PREFACE + SettingsFrame(0, settings=settings).serialize()) as attacker:
        headers = attacker.request_headers(LARGEST_ASSET)
        attacker.send(attacker.headers_frame(1, attacker.encoder.encode(headers), end_stream=True))
        return attacker.watch(PATIENCE)


SLOW_CLIENTS = {
    "silence_after_tls": (silence_after_tls, "a client that completes TLS and sends nothing"),
    "half_a_preface": (half_a_preface, "a client that sends half the connection preface"),
    "slow_header_block": (slow_header_block, f"a header block trickling in one CONTINUATION every {TRICKLE_PAUSE:g} s"),
    "upload_that_stops": (upload_that_stops, "an upload that stops after 16 KB of its 1 MB body"),
    "slow_body": (slow_body, f"an upload whose body trickles in, a byte every {TRICKLE_PAUSE:g} s"),
    "window_never_reopened": (window_never_reopened, "a download whose 1-byte window is never reopened"),
}


@functools.cache
def slow_clients_together(endpoint: Endpoint) -> tuple[dict[str, Future], str]:
    """The slow clients at once, under one guard: each one's verdict to come (or the error
    that ended it), and what the guard saw go wrong ("" if nothing). Once per endpoint and test
    process: a server's attacks all run in one worker (their xdist group)."""
    with ThreadPoolExecutor(len(SLOW_CLIENTS), thread_name_prefix=f"slow-{endpoint.name}") as clients:
        try:
            with guarded(endpoint):
                running = {name: clients.submit(client, endpoint) for name, (client, _) in SLOW_CLIENTS.items()}
                wait(running.values())
        except AssertionError as guard_failure:
            return running, str(guard_failure)
    return running, ""


def dropped(endpoint: Endpoint, attack: str, observe) -> None:
    running, guard_failure = slow_clients_together(endpoint)
    verdict = observe(running[attack].result())
    assert not guard_failure, guard_failure
    assert verdict.refused, (
        f"{endpoint}: expected {SLOW_CLIENTS[attack][1]} dropped (GOAWAY, RST_STREAM, 408 or close) "
        f"within {PATIENCE} s, saw {verdict}"
    )


@pytest.mark.parametrize(
    "endpoint",
    http2_endpoints(
        GRANIAN_WAITS_FOR_THE_PREFACE
        | {
            "uvicorn_quart": "Uvicorn 0.54.0 (zttp HTTP/2): its only clock, the keep-alive timeout, is started by "
            "the first bytes received; a client that sends none is held (still open after 90 s)",
        }
    ),
)
def test_silence_after_tls(endpoint, observe):
    dropped(endpoint, "silence_after_tls", observe)


@pytest.mark.parametrize("endpoint", http2_endpoints(GRANIAN_WAITS_FOR_THE_PREFACE))
def test_half_a_preface(endpoint, observe):
    dropped(endpoint, "half_a_preface", observe)


@pytest.mark.parametrize(
    "endpoint",
    http2_endpoints(
        {
            "gunicorn_h2": "Gunicorn 27.0.1: only its keepalive idle timer (2 s) watches an HTTP/2 connection and every frame "
            "restarts it; nothing bounds a header block that never ends, so a CONTINUATION every half second keeps the request open",
        }
        | on_twisted(
            "its only clock is the idle timeout (Site timeout, 10 s here), restarted "
            "by every frame; nothing bounds a header block that never ends, so a CONTINUATION every half second keeps the request open"
        )
    ),
)
def test_slow_header_block(endpoint, observe):
    dropped(endpoint, "slow_header_block", observe)


# No timer bounds a request body on these servers, in time or in rate (read in each one's code,
# December 2026): an upload that stops and a body that trickles are both held past 15 s.
NO_TIMER_ON_A_BODY = {
    "quart_backend": "Hypercorn 0.18.0: its keep-alive timer stops while a stream is open and read_timeout (off "
    "by default) is per read; its docs leave a slow body to the framework",
    "gunicorn_h2": "Gunicorn 27.0.1: its HTTP/2 loop reads with no timer at all (keepalive covers HTTP/1.1 only)",
    "granian_flask": "Granian 2.8.7 (hyper 1.12.0): no timer on a request body, HTTP/2 keep-alive pings off",
    "granian_quart": "Granian 2.8.7 (hyper 1.12.0): no timer on a request body, HTTP/2 keep-alive pings off",
    "uvicorn_quart": "Uvicorn 0.54.0 (zttp HTTP/2): its keep-alive timer is cancelled while a stream is open, and "
    "zttp has no timers",
}


# Until December 2026 this client sent its content-length before the pseudo-headers, a malformed
# request every server refused at once, so it passed everywhere without testing this.
@pytest.mark.parametrize("endpoint", http2_endpoints(NO_TIMER_ON_A_BODY))
def test_upload_that_stops(endpoint, observe):
    dropped(endpoint, "upload_that_stops", observe)


# nginx and Twisted have a timer, but every byte of a trickle restarts it.
@pytest.mark.parametrize(
    "endpoint",
    http2_endpoints(
        NO_TIMER_ON_A_BODY
        | {
            "nginx": "nginx 1.26: client_body_timeout (10 s here) is the gap between two reads, re-armed by every "
            "DATA frame; it has no minimum rate for a body",
        }
        | on_twisted(
            "its only clock is the idle timeout, restarted by every frame; a body that trickles never lets it run out"
        )
    ),
)
def test_slow_body(endpoint, observe):
    dropped(endpoint, "slow_body", observe)


HELD_PAST_A_MINUTE = "its HTTP/2 has no timer on a response stalled by the client's window: still open after 65 s"


@pytest.mark.parametrize(
    "endpoint",
    http2_endpoints(
        {
            "quart_backend": f"Hypercorn 0.18.0: {HELD_PAST_A_MINUTE}",
            "gunicorn_h2": "Gunicorn 27.0.1: the stalled stream is reset (RST_STREAM CANCEL) only after 20 s or more "
            "(seen by 65 s), past the bound",
            "granian_flask": f"Granian 2.8.7 (hyper 1.12.0): {HELD_PAST_A_MINUTE}",
            "granian_quart": f"Granian 2.8.7 (hyper 1.12.0): {HELD_PAST_A_MINUTE}",
        }
        | on_twisted(HELD_PAST_A_MINUTE)
    ),
)
def test_window_never_reopened(endpoint, observe):
    dropped(endpoint, "window_never_reopened", observe)
