"""HTTP/3 conformance, per server: the MUSTs of RFC 9114 (frames on the wrong stream, critical
streams, settings, push IDs, malformed requests) and RFC 9204 (QPACK references and
instructions) that keep a server safe from a client that breaks them, one rule broken per
connection. Each id starts with the section that says what the server must do.

After the case's bytes, a GET /healthz on a stream of its own: once the server has answered
it (and every request before it), it has read the case and said all it will (Verdict.said_all).
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from aioquic.h3.connection import ErrorCode
from hpack.hpack import encode_integer

from conformance import conformance_params, harmless
from h3_abuse import (
    CANCEL_PUSH,
    CONTROL_STREAM,
    DATA,
    DECODER_STREAM,
    ENCODER_STREAM,
    GOAWAY,
    HEADERS,
    HTTP2_CONTINUATION,
    HTTP2_PING,
    HTTP2_PRIORITY,
    MAX_PUSH_ID,
    PUSH_PROMISE,
    PUSH_STREAM,
    QPACK_MAX_TABLE_CAPACITY,
    SETTINGS,
    RawH3Connection,
    Rule,
    connection_error,
    frame,
    http3_endpoints,
    ignored,
    malformed,
    reserved,
    settings,
    varint,
)
from website.upload import PATH as UPLOAD_PATH

# For the server's answer, at most: a probe stops at once when it gets the one the RFC asks
# for, or when the server has said all it will.
WATCH_SECONDS = 2
HTTP2_INITIAL_WINDOW_SIZE = 0x4  # an HTTP/2 setting HTTP/3 reserves (RFC 9114 11.2.2)
(
    FRAME_UNEXPECTED,
    FRAME_ERROR,
    CLOSED_CRITICAL,
    STREAM_CREATION,
    MISSING_SETTINGS,
    SETTINGS_ERROR,
    ID_ERROR,
    DECOMPRESSION_FAILED,
    ENCODER_STREAM_ERROR,
    DECODER_STREAM_ERROR,
) = (
    ErrorCode.H3_FRAME_UNEXPECTED,
    ErrorCode.H3_FRAME_ERROR,
    ErrorCode.H3_CLOSED_CRITICAL_STREAM,
    ErrorCode.H3_STREAM_CREATION_ERROR,
    ErrorCode.H3_MISSING_SETTINGS,
    ErrorCode.H3_SETTINGS_ERROR,
    ErrorCode.H3_ID_ERROR,
    ErrorCode.QPACK_DECOMPRESSION_FAILED,
    ErrorCode.QPACK_ENCODER_STREAM_ERROR,
    ErrorCode.QPACK_DECODER_STREAM_ERROR,
)
# A field block's first bytes, by hand (RFC 9204 4.5): Required Insert Count 0, Base 0, then
# :method GET, :scheme https, :path / from the static table (entries 17, 23, 1).
EMPTY_PREFIX, GET_HTTPS_ROOT = b"\x00\x00", b"\xd1\xd7\xc1"
STATIC_ENTRIES = 99  # RFC 9204 Appendix A: indexes 0-98


@dataclass(frozen=True)
class Case:
    """One rule broken on purpose: `send` writes the bytes that break it, once the control stream
    is open with `control` (a SETTINGS frame unless the case is about that)."""

    name: str
    rule: Rule
    send: Callable[[RawH3Connection], object]
    control: bytes = settings()

    @property
    def id(self) -> str:
        return f"{self.rule.section.split(',')[0].replace(' ', '-')}-{self.name}"  # RFC-9114-7.2.4-second-settings


def get(c: RawH3Connection, *extra: tuple[str, str], drop: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """GET /healthz's request headers, without those named in `drop`, with `extra` after them."""
    return [field for field in c.request_headers() if field[0] not in drop] + list(extra)


def post(c: RawH3Connection, content_length: int) -> list[tuple[str, str]]:
    """POST /upload (the route that reads a body) with a content-length."""
    return c.request_headers(UPLOAD_PATH, "POST") + [("content-length", str(content_length))]


def healthz(c: RawH3Connection) -> bytes:
    return c.headers(get(c))


def on_control(data: bytes) -> Callable[[RawH3Connection], None]:
    return lambda c: c.send(c.control, data)


def field_block(block: bytes) -> Callable[[RawH3Connection], int]:
    """A request whose field block is given byte by byte."""
    return lambda c: c.request(frame(HEADERS, block))


def integer(value: int, prefix_bits: int, first_bits: int = 0) -> bytes:
    """A QPACK integer (RFC 9204 4.1.1, HPACK's) with the instruction's pattern in its first byte."""
    encoded = encode_integer(value, prefix_bits)
    encoded[0] |= first_bits
    return bytes(encoded)


def server_table_capacity(c: RawH3Connection) -> int:
    return c.server_settings().get(QPACK_MAX_TABLE_CAPACITY, 0)


def required_insert_count_past_the_table(c: RawH3Connection) -> int:
    """RFC 9204 4.5.1.1: an encoded Required Insert Count above 2 * MaxEntries, which no encoder can produce."""
    most_entries = server_table_capacity(c) // 32
    return c.request(frame(HEADERS, integer(2 * most_entries + 1, 8) + b"\x00" + GET_HTTPS_ROOT))


def table_capacity_above_the_maximum(c: RawH3Connection) -> int:
    """RFC 9204 4.3.1: Set Dynamic Table Capacity (001xxxxx) above the server's SETTINGS_QPACK_MAX_TABLE_CAPACITY."""
    return c.open_unidirectional(ENCODER_STREAM, integer(server_table_capacity(c) + 1, 5, 0x20))


def post_with_body(content_length: int, body: bytes) -> Callable[[RawH3Connection], int]:
    return lambda c: c.request(c.headers(post(c, content_length)) + frame(DATA, body))


REQUEST_STREAM_FRAMES = [
    Case(
        "data-before-headers",
        connection_error("RFC 9114 4.1", FRAME_UNEXPECTED),
        lambda c: c.request(frame(DATA, b"body")),
    ),
    Case(
        "data-after-trailers",
        connection_error("RFC 9114 4.1", FRAME_UNEXPECTED),
        lambda c: c.request(healthz(c) + c.headers([("x-trailer", "a")]) + frame(DATA, b"body")),
    ),
    Case(
        "settings-on-a-request-stream",
        connection_error("RFC 9114 7.2.4", FRAME_UNEXPECTED),
        lambda c: c.request(settings() + healthz(c)),
    ),
    Case(
        "goaway-on-a-request-stream",
        connection_error("RFC 9114 7.2.6", FRAME_UNEXPECTED),
        lambda c: c.request(frame(GOAWAY, varint(0)) + healthz(c)),
    ),
    Case(
        "max-push-id-on-a-request-stream",
        connection_error("RFC 9114 7.2.7", FRAME_UNEXPECTED),
        lambda c: c.request(frame(MAX_PUSH_ID, varint(8)) + healthz(c)),
    ),
    Case(
        "push-promise-from-the-client",
        connection_error("RFC 9114 7.2.5", FRAME_UNEXPECTED),
        lambda c: c.request(healthz(c) + frame(PUSH_PROMISE, varint(0) + EMPTY_PREFIX + GET_HTTPS_ROOT)),
    ),
    Case(
        "http2-priority-frame",
        connection_error("RFC 9114 7.2.8", FRAME_UNEXPECTED),
        lambda c: c.request(frame(HTTP2_PRIORITY, b"\x00\x00\x00\x00\x0f") + healthz(c)),
    ),
    Case(
        "http2-continuation-frame",
        connection_error("RFC 9114 7.2.8", FRAME_UNEXPECTED),
        lambda c: c.request(healthz(c) + frame(HTTP2_CONTINUATION, b"\x00\x00")),
    ),
    Case(
        "reserved-frame-before-headers",
        ignored("RFC 9114 7.2.8, 9"),
        lambda c: c.request(frame(reserved(3), b"padding") + healthz(c)),
    ),
    Case(
        "headers-cut-short-by-the-stream-end",
        connection_error("RFC 9114 7.1", FRAME_ERROR),
        lambda c: c.request(healthz(c)[:-1]),  # the last byte of the field block never comes
    ),
]

CONTROL_STREAMS = [
    Case(
        "first-frame-not-settings",
        connection_error("RFC 9114 6.2.1", MISSING_SETTINGS),
        lambda c: None,
        control=frame(GOAWAY, varint(0)),
    ),
    Case("second-settings", connection_error("RFC 9114 7.2.4", FRAME_UNEXPECTED), on_control(settings())),
    Case(
        "control-stream-closed",
        connection_error("RFC 9114 6.2.1", CLOSED_CRITICAL),
        lambda c: c.send(c.control, b"", end=True),
    ),
    Case(
        "second-control-stream",
        connection_error("RFC 9114 6.2.1", STREAM_CREATION),
        lambda c: c.open_unidirectional(CONTROL_STREAM, settings()),
    ),
    Case(
        "data-on-the-control-stream",
        connection_error("RFC 9114 7.2.1", FRAME_UNEXPECTED),
        on_control(frame(DATA, b"body")),
    ),
    Case(
        "headers-on-the-control-stream",
        connection_error("RFC 9114 7.2.2", FRAME_UNEXPECTED),
        lambda c: c.send(c.control, healthz(c)),
    ),
    Case(
        "http2-ping-frame",
        connection_error("RFC 9114 7.2.8", FRAME_UNEXPECTED),
        on_control(frame(HTTP2_PING, b"8 bytes!")),
    ),
    Case(
        "reserved-frame-on-the-control-stream", ignored("RFC 9114 7.2.8, 9"), on_control(frame(reserved(7), b"hello"))
    ),
    Case(
        "http2-setting",
        connection_error("RFC 9114 7.2.4.1", SETTINGS_ERROR),
        lambda c: None,
        control=settings((HTTP2_INITIAL_WINDOW_SIZE, 65535)),
    ),
    Case("reserved-setting", ignored("RFC 9114 7.2.4.1"), lambda c: None, control=settings((reserved(5), 7))),
    Case(
        "settings-cut-short",
        connection_error("RFC 9114 7.1", FRAME_ERROR),
        lambda c: None,
        control=frame(SETTINGS, varint(QPACK_MAX_TABLE_CAPACITY)),  # an identifier, and no value
    ),
    Case(
        "goaway-with-a-byte-too-many",
        connection_error("RFC 9114 7.1", FRAME_ERROR),
        on_control(frame(GOAWAY, varint(0) + b"\x00")),
    ),
    Case(
        "cancel-push-beyond-max-push-id",
        connection_error("RFC 9114 7.2.3", ID_ERROR),
        on_control(frame(CANCEL_PUSH, varint(3))),  # the client sent no MAX_PUSH_ID: no push ID is allowed
    ),
    Case(
        "max-push-id-decreased",
        connection_error("RFC 9114 7.2.7", ID_ERROR),
        on_control(frame(MAX_PUSH_ID, varint(10)) + frame(MAX_PUSH_ID, varint(5))),
    ),
    Case(
        "goaway-id-increased",
        connection_error("RFC 9114 7.2.6", ID_ERROR),
        on_control(frame(GOAWAY, varint(4)) + frame(GOAWAY, varint(8))),
    ),
]

UNIDIRECTIONAL_STREAMS = [
    Case(
        "push-stream-from-the-client",
        connection_error("RFC 9114 6.2.2", STREAM_CREATION),
        lambda c: c.open_unidirectional(PUSH_STREAM, varint(0)),
    ),
    Case(
        "reserved-stream-type",
        ignored("RFC 9114 6.2.3"),
        lambda c: c.open_unidirectional(reserved(2), b"padding", end=True),
    ),
    Case(
        # nginx ignores such a stream only once the client's control, encoder and decoder streams are open
        "reserved-stream-type-after-the-qpack-streams",
        ignored("RFC 9114 6.2.3"),
        lambda c: (
            c.open_unidirectional(ENCODER_STREAM),
            c.open_unidirectional(DECODER_STREAM),
            c.open_unidirectional(reserved(2), b"padding", end=True),
        ),
    ),
    Case(
        "second-encoder-stream",
        connection_error("RFC 9204 4.2", STREAM_CREATION),
        lambda c: (c.open_unidirectional(ENCODER_STREAM), c.open_unidirectional(ENCODER_STREAM)),
    ),
    Case(
        "encoder-stream-closed",
        connection_error("RFC 9204 4.2", CLOSED_CRITICAL),
        lambda c: c.open_unidirectional(ENCODER_STREAM, end=True),
    ),
    Case(
        "decoder-stream-closed",
        connection_error("RFC 9204 4.2", CLOSED_CRITICAL),
        lambda c: c.open_unidirectional(DECODER_STREAM, end=True),
    ),
]

QPACK = [
    Case(
        "static-index-past-the-table",
        connection_error("RFC 9204 3.1", DECOMPRESSION_FAILED),
        field_block(EMPTY_PREFIX + GET_HTTPS_ROOT + integer(STATIC_ENTRIES, 6, 0xC0)),
    ),
    Case(
        "dynamic-reference-with-an-empty-table",
        connection_error("RFC 9204 2.2.3", DECOMPRESSION_FAILED),
        field_block(EMPTY_PREFIX + GET_HTTPS_ROOT + b"\x80"),  # indexed, dynamic, relative index 0
    ),
    Case(
        "required-insert-count-past-the-table",
        connection_error("RFC 9204 4.5.1.1", DECOMPRESSION_FAILED),
        required_insert_count_past_the_table,
    ),
    Case(
        "insert-with-a-static-index-past-the-table",
        connection_error("RFC 9204 3.1", ENCODER_STREAM_ERROR),
        # Insert with Name Reference (1 T=1 index), static entry 99, value "a"
        lambda c: c.open_unidirectional(ENCODER_STREAM, integer(STATIC_ENTRIES, 6, 0xC0) + b"\x01a"),
    ),
    Case(
        "table-capacity-above-the-maximum",
        connection_error("RFC 9204 4.3.1", ENCODER_STREAM_ERROR),
        table_capacity_above_the_maximum,
    ),
    Case(
        "section-acknowledgement-of-no-section",
        connection_error("RFC 9204 4.4.1", DECODER_STREAM_ERROR),
        lambda c: c.open_unidirectional(DECODER_STREAM, integer(0, 7, 0x80)),  # for stream 0: nothing to acknowledge
    ),
    Case(
        "insert-count-increment-past-the-inserts",
        connection_error("RFC 9204 4.4.3", DECODER_STREAM_ERROR),
        lambda c: c.open_unidirectional(DECODER_STREAM, integer(1, 6)),  # the server inserted nothing
    ),
]

MESSAGES = [
    Case("missing-method", malformed("4.3.1"), lambda c: c.request(c.headers(get(c, drop=(":method",))))),
    Case("missing-path", malformed("4.3.1"), lambda c: c.request(c.headers(get(c, drop=(":path",))))),
    Case("empty-path", malformed("4.3.1"), lambda c: c.request(c.headers(get(c, (":path", ""), drop=(":path",))))),
    Case("unknown-pseudo-header", malformed("4.3"), lambda c: c.request(c.headers(get(c, (":foo", "bar"))))),
    Case("status-in-a-request", malformed("4.3"), lambda c: c.request(c.headers(get(c, (":status", "200"))))),
    Case(
        "pseudo-header-after-a-field",
        malformed("4.3"),
        lambda c: c.request(c.headers([("x-first", "a")] + get(c))),
    ),
    Case("uppercase-field-name", malformed("4.2"), lambda c: c.request(c.headers(get(c, ("X-Upper", "a"))))),
    Case("connection-field", malformed("4.2"), lambda c: c.request(c.headers(get(c, ("connection", "keep-alive"))))),
    Case("te-other-than-trailers", malformed("4.2"), lambda c: c.request(c.headers(get(c, ("te", "gzip"))))),
    Case(
        "cr-lf-in-a-field-value",
        malformed("10.3"),
        lambda c: c.request(c.headers(get(c, ("x-split", "a\r\nx-injected: b")))),
    ),
    Case(
        "pseudo-header-in-trailers",
        malformed("4.3"),
        lambda c: c.request(c.headers(post(c, 4)) + frame(DATA, b"body") + c.headers([(":path", "/")])),
    ),
    Case("content-length-above-data", malformed("4.1.2"), post_with_body(8, b"body")),
    Case("content-length-below-data", malformed("4.1.2"), post_with_body(2, b"body")),
]

CASES = REQUEST_STREAM_FRAMES + CONTROL_STREAMS + UNIDIRECTIONAL_STREAMS + QPACK + MESSAGES

# service -> case name -> what the server does instead. Each is an upstream flaw: no setting changes it.
NGINX = "nginx 1.26.3"
NGINX_FLAWS = (
    {
        name: f"{NGINX}: a frame not allowed on a request stream resets that stream with H3_FRAME_UNEXPECTED "
        "(a stream error); the connection goes on, and answers the next request: no CONNECTION_CLOSE"
        for name in (
            "data-before-headers",
            "settings-on-a-request-stream",
            "goaway-on-a-request-stream",
            "max-push-id-on-a-request-stream",
            "push-promise-from-the-client",
            "http2-priority-frame",
            "http2-continuation-frame",
        )
    }
    | {
        name: f"{NGINX}: a QPACK decoding error resets the stream with QPACK_DECOMPRESSION_FAILED (a stream "
        "error); the connection goes on: no CONNECTION_CLOSE"
        for name in (
            "static-index-past-the-table",
            "dynamic-reference-with-an-empty-table",
            "required-insert-count-past-the-table",
        )
    }
    | {
        name: f"{NGINX}: answers the malformed request 400 Bad Request and ends the stream, never with the "
        "RESET_STREAM H3_MESSAGE_ERROR that 4.1.2 asks for"
        for name in (
            "missing-method",
            "missing-path",
            "empty-path",
            "unknown-pseudo-header",
            "status-in-a-request",
            "pseudo-header-after-a-field",
            "uppercase-field-name",
            "cr-lf-in-a-field-value",
            "content-length-above-data",
        )
    }
    | {
        name: f"{NGINX}: answers the request (200) instead of treating it as malformed"
        for name in ("connection-field", "te-other-than-trailers", "pseudo-header-in-trailers")
    }
    | {
        "content-length-below-data": f"{NGINX}: answers 413 Content Too Large and ends the stream: no H3_MESSAGE_ERROR",
        "data-after-trailers": f"{NGINX}: ignores DATA after the trailer section and answers 200: no H3_FRAME_UNEXPECTED",
        "headers-cut-short-by-the-stream-end": f"{NGINX}: resets the stream with H3_INTERNAL_ERROR and goes on: "
        "no connection error H3_FRAME_ERROR",
        "http2-setting": f"{NGINX}: accepts SETTINGS_INITIAL_WINDOW_SIZE (0x4), which HTTP/3 reserves: no H3_SETTINGS_ERROR",
        "settings-cut-short": f"{NGINX}: closes the connection with H3_SETTINGS_ERROR, not H3_FRAME_ERROR",
        "goaway-with-a-byte-too-many": f"{NGINX}: ignores the byte after a GOAWAY's ID: no H3_FRAME_ERROR",
        "goaway-id-increased": f"{NGINX}: accepts a client's GOAWAY whose ID is larger than its last one: no H3_ID_ERROR",
        "max-push-id-decreased": f"{NGINX}: accepts a MAX_PUSH_ID lower than the one before: no H3_ID_ERROR",
        "reserved-stream-type": f"{NGINX}: closes the connection with H3_STREAM_CREATION_ERROR ('missing mandatory "
        "stream') on a stream of a reserved type unless the client has opened its QPACK encoder and decoder "
        "streams first, which RFC 9204 4.2 lets it leave unopened",
    }
)


def built_on_aioquic(server: str) -> dict[str, str]:
    """What the servers whose HTTP/3 is aioquic's H3Connection (1.7.2) do instead."""
    return {
        "goaway-with-a-byte-too-many": f"{server} (aioquic 1.7.2): skips a client's GOAWAY unread: "
        "no H3_FRAME_ERROR for the byte after its ID",
        "goaway-id-increased": f"{server} (aioquic 1.7.2): skips a client's GOAWAY unread: "
        "no H3_ID_ERROR for an ID larger than the last one",
        "cancel-push-beyond-max-push-id": f"{server} (aioquic 1.7.2): skips CANCEL_PUSH unread: no H3_ID_ERROR "
        "for a push ID the client never allowed (it sent no MAX_PUSH_ID)",
    } | {
        name: f"{server} (aioquic 1.7.2): ignores the end of the client's QPACK {kind} stream: "
        "no H3_CLOSED_CRITICAL_STREAM"
        for name, kind in (("encoder-stream-closed", "encoder"), ("decoder-stream-closed", "decoder"))
    }


KNOWN_FAILURES: dict[str, dict[str, str]] = {
    "nginx": NGINX_FLAWS,
    "quart_backend": built_on_aioquic("Hypercorn 0.18.0"),
    "sanic_backend": built_on_aioquic("Sanic 25.12.1"),
}


@pytest.mark.parametrize("case, endpoint", conformance_params(CASES, KNOWN_FAILURES, http3_endpoints))
def test_h3_conformance(case, endpoint, conformance):
    with harmless(endpoint, http3=True), RawH3Connection(endpoint, control=case.control) as client:
        case.send(client)
        client.request(healthz(client))  # answered once the server has read all of the case
        watched = client.watch(WATCH_SECONDS, until=lambda seen: case.rule.met_by(seen) or seen.said_all)
        verdict = conformance(case, watched)
        assert case.rule.met_by(verdict), (
            f"{endpoint}: expected {case.name} to be {case.rule}, saw {verdict} ({case.rule.outcome(verdict)})"
        )
