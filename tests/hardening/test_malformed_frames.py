"""Malformed input: a wrong connection preface, frames on stream 0 that belong to a stream,
frames longer than allowed. Each is a connection error (RFC 9113): the server must end the
connection, saying why in a GOAWAY where the RFC asks for one."""

import pytest
from hyperframe.frame import SettingsFrame

from abuse import LARGEST_FRAME_LENGTH, PREFACE, AbusiveConnection, http2_endpoints, on_twisted, raw_frame
from guard import guarded

WATCH_SECONDS = 5
CLOSE_WITHIN = 3  # seconds from a GOAWAY to the close of the connection
DATA, HEADERS, PING = 0x0, 0x1, 0x6
END_STREAM, END_HEADERS = 0x1, 0x4
MAX_FRAME_SIZE = 0x5  # the SETTINGS parameter
DEFAULT_MAX_FRAME_SIZE = 16384
BAD_PREFACE = PREFACE.replace(b"SM", b"XX")


def ended_with(verdict, endpoint, what: str, codes: set[str]) -> None:
    assert verdict.goaway in codes, (
        f"{endpoint}: expected {what} to end the connection with GOAWAY {' or '.join(sorted(codes))}, saw {verdict}"
    )


@pytest.mark.parametrize(
    "endpoint",
    http2_endpoints(
        on_twisted(
            "on a bad connection preface it sends nothing and keeps the TLS connection open "
            "until the idle timeout (Site timeout, 10 s here), then GOAWAY NO_ERROR and 15 s more before it aborts"
        )
    ),
)
def test_bad_connection_preface(endpoint, observe):
    with guarded(endpoint), AbusiveConnection(endpoint, preface=BAD_PREFACE + SettingsFrame(0).serialize()) as attacker:
        verdict = observe(attacker.watch(WATCH_SECONDS))
        # RFC 9113 3.4: the server MAY omit the GOAWAY here, as the client is not speaking HTTP/2.
        assert verdict.goaway == "PROTOCOL_ERROR" or (not verdict.goaway and verdict.closed_after is not None), (
            f"{endpoint}: expected a bad connection preface to end the connection (GOAWAY PROTOCOL_ERROR or close), saw {verdict}"
        )


@pytest.mark.parametrize("endpoint", http2_endpoints())
def test_data_on_stream_0(endpoint, observe):
    with guarded(endpoint), AbusiveConnection(endpoint) as attacker:
        attacker.send(raw_frame(DATA, END_STREAM, 0, b"hello"))
        ended_with(observe(attacker.watch(WATCH_SECONDS)), endpoint, "DATA on stream 0", {"PROTOCOL_ERROR"})


@pytest.mark.parametrize("endpoint", http2_endpoints())
def test_headers_on_stream_0(endpoint, observe):
    with guarded(endpoint), AbusiveConnection(endpoint) as attacker:
        attacker.send(
            raw_frame(HEADERS, END_STREAM | END_HEADERS, 0, attacker.encoder.encode(attacker.request_headers()))
        )
        ended_with(observe(attacker.watch(WATCH_SECONDS)), endpoint, "HEADERS on stream 0", {"PROTOCOL_ERROR"})


def announced_max_frame_size(endpoint) -> int:
    with AbusiveConnection(endpoint) as client:
        return client.watch(1).settings.get(MAX_FRAME_SIZE, DEFAULT_MAX_FRAME_SIZE)


@pytest.mark.parametrize("endpoint", http2_endpoints())
def test_frame_over_max_frame_size(endpoint, observe):
    limit = announced_max_frame_size(endpoint)
    if limit >= LARGEST_FRAME_LENGTH:
        pytest.skip(
            f"{endpoint} announces SETTINGS_MAX_FRAME_SIZE {limit}: no frame can be longer (the PING probe covers FRAME_SIZE_ERROR)"
        )
    with guarded(endpoint), AbusiveConnection(endpoint) as attacker:
        request = raw_frame(HEADERS, END_HEADERS, 1, attacker.encoder.encode(attacker.request_headers()))
        attacker.send(request + raw_frame(DATA, END_STREAM, 1, b"a" * (limit + 1)))
        ended_with(
            observe(attacker.watch(WATCH_SECONDS)),
            endpoint,
            f"a {limit + 1}-byte DATA frame (limit {limit})",
            {"FRAME_SIZE_ERROR"},
        )


@pytest.mark.parametrize(
    "endpoint",
    http2_endpoints(
        {
            service: "Granian 2.8.7 (h2 0.4.20): a 9-byte PING ends the connection with GOAWAY PROTOCOL_ERROR, not "
            "FRAME_SIZE_ERROR (h2 reports every frame it cannot load as PROTOCOL_ERROR)"
            for service in ("granian_flask", "granian_quart")
        }
    ),
)
def test_ping_of_the_wrong_length(endpoint, observe):
    with guarded(endpoint), AbusiveConnection(endpoint) as attacker:
        attacker.send(raw_frame(PING, 0, 0, b"123456789"))
        ended_with(observe(attacker.watch(WATCH_SECONDS)), endpoint, "a 9-byte PING", {"FRAME_SIZE_ERROR"})


@pytest.mark.parametrize(
    "endpoint",
    http2_endpoints(
        on_twisted(
            "after its GOAWAY PROTOCOL_ERROR it leaves the TLS connection open until the "
            "idle timeout (Site timeout, 10 s here) plus its 15 s abortTimeout"
        )
    ),
)
def test_connection_closes_after_goaway(endpoint, observe):
    with guarded(endpoint), AbusiveConnection(endpoint) as attacker:
        attacker.send(raw_frame(DATA, END_STREAM, 0, b"hello"))
        verdict = observe(attacker.watch(CLOSE_WITHIN))
        assert verdict.closed_after is not None and verdict.closed_after <= CLOSE_WITHIN, (
            f"{endpoint}: expected the connection closed within {CLOSE_WITHIN} s of a connection error, saw {verdict}"
        )
