"""HTTP/2 conformance, per server: the MUSTs of RFC 9113 sections 4-8 and RFC 7541 (HPACK)
that keep a server safe from a client that breaks them (frame sizes, stream states,
pseudo-headers, content-length, flow-control limits, HPACK errors), one rule broken per
connection. Each id starts with the section that says what the server must do.

test_malformed_frames.py and test_header_abuse.py already hold DATA and HEADERS on stream 0,
an over-long DATA frame, a 9-byte PING and a table size update above the limit: not repeated here.
"""

from collections.abc import Callable

import pytest
from h2.errors import ErrorCodes
from h2.settings import SettingCodes
from hpack.hpack import encode_integer

from abuse import AbusiveConnection, raw_frame
from conformance import (
    ACK,
    CONTINUATION,
    DATA,
    END_HEADERS,
    END_STREAM,
    HEADERS,
    LARGEST_WINDOW,
    NO_FLAGS,
    PADDED,
    PING,
    PRIORITY,
    RST_STREAM,
    SENTINEL,
    SETTINGS,
    WINDOW_UPDATE,
    Case,
    conformance_params,
    connect,
    connection_error,
    harmless,
    ignored,
    malformed,
    max_frame_size,
    request,
    rst_stream,
    said_all,
    sent,
    settings,
    stream_error,
    window_update,
)
from website.upload import PATH as UPLOAD_PATH

# For the server's answer, at most: a probe stops at once when it gets the one the RFC asks
# for, or when the server has said all it will (conformance.said_all).
WATCH_SECONDS = 2
MOST_STREAMS_OPENED = 1000  # past a SETTINGS_MAX_CONCURRENT_STREAMS this high, the probe would be a flood
PROTOCOL, FRAME_SIZE, FLOW_CONTROL, COMPRESSION, STREAM_CLOSED, REFUSED = (
    ErrorCodes.PROTOCOL_ERROR,
    ErrorCodes.FRAME_SIZE_ERROR,
    ErrorCodes.FLOW_CONTROL_ERROR,
    ErrorCodes.COMPRESSION_ERROR,
    ErrorCodes.STREAM_CLOSED,
    ErrorCodes.REFUSED_STREAM,
)
UNKNOWN_FRAME_TYPE, UNKNOWN_SETTING = 0xFA, 0xFAFA
PRIORITY_CHAIN = 120  # the /race lanes' tiles: a browser's requests for one page
PING_PAYLOAD = b"8 bytes!"


def headers(client: AbusiveConnection, *extra: tuple[str, str], drop: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """GET /'s request headers, without those named in `drop`, with `extra` after them."""
    return [field for field in client.request_headers() if field[0] not in drop] + list(extra)


def open_stream(client: AbusiveConnection) -> bytes:
    """GET / without END_STREAM: stream 1 is open and nothing is being answered on it, so no
    response is cut short when the server resets it (Twisted logs an unhandled error for one)."""
    return request(client, end_stream=False)


def after_the_answer(then: Callable[[AbusiveConnection], bytes]) -> Callable[[AbusiveConnection], bytes]:
    """GET /healthz on stream 1, read until the server has ended it (the stream is closed), then `then`."""

    def send(client: AbusiveConnection) -> bytes:
        client.send(healthz(client))
        client.watch(WATCH_SECONDS, until=lambda verdict: 1 in verdict.ended)
        return then(client)

    return send


def post(client: AbusiveConnection, content_length: int, path: str = "/") -> list[tuple[str, str]]:
    fields = headers(client, ("content-length", str(content_length)), drop=(":method", ":path"))
    return [(":method", "POST"), (":path", path)] + fields


def healthz(client: AbusiveConnection) -> bytes:
    """GET /healthz: a request that any server answers 200 at once, with no push and no 103."""
    return request(client, 1, headers(client, (":path", "/healthz"), drop=(":path",)))


def body_then_trailers(client: AbusiveConnection, trailers: list[tuple[str, str]], *, end_stream: bool) -> bytes:
    """A POST of 4 bytes, then a trailer section (its HEADERS with or without END_STREAM)."""
    return (
        request(client, 1, post(client, 4), end_stream=False)
        + raw_frame(DATA, NO_FLAGS, 1, b"body")
        + request(client, 1, trailers, end_stream=end_stream)
    )


def post_with_body(client: AbusiveConnection, content_length: int, body: bytes) -> bytes:
    """A POST /upload whose DATA says other than its content-length: to the route that reads a body."""
    upload = post(client, content_length, UPLOAD_PATH)
    return request(client, 1, upload, end_stream=False) + raw_frame(DATA, END_STREAM, 1, body)


def too_many_streams(client: AbusiveConnection) -> bytes:
    """One stream more than SETTINGS_MAX_CONCURRENT_STREAMS, each kept open (no END_STREAM)."""
    limit = client.server_settings().get(SettingCodes.MAX_CONCURRENT_STREAMS)
    if limit is None or limit > MOST_STREAMS_OPENED:
        pytest.skip(f"{client.endpoint} announces no SETTINGS_MAX_CONCURRENT_STREAMS a probe can exceed ({limit})")
    return b"".join(request(client, stream_id, end_stream=False) for stream_id in range(1, 2 * limit + 2, 2))


def headers_over_max_frame_size(client: AbusiveConnection) -> bytes:
    limit = max_frame_size(client)
    if limit >= 2**24 - 1:
        pytest.skip(f"{client.endpoint} announces SETTINGS_MAX_FRAME_SIZE {limit}: no frame can be longer")
    return field_block(client.encoder.encode(headers(client, ("x-padding", "a" * limit)), huffman=False))


def field_block(block: bytes) -> bytes:
    return raw_frame(HEADERS, END_STREAM | END_HEADERS, 1, block)


def integer(value: int, prefix_bits: int, first_bits: int) -> bytes:
    """An HPACK integer (RFC 7541 5.1) with the representation's pattern in its first byte."""
    encoded = encode_integer(value, prefix_bits)
    encoded[0] |= first_bits
    return bytes(encoded)


def huffman_name(huffman: bytes) -> bytes:
    """A literal field, not indexed, whose new name is the given Huffman string (RFC 7541 6.2.2)."""
    return b"\x00" + integer(len(huffman), 7, 0x80) + huffman + b"\x01v"


FRAME_SIZES = [
    Case("headers-over-max-frame-size", connection_error("RFC 9113 4.2", FRAME_SIZE), headers_over_max_frame_size),
    Case(
        "settings-of-5-bytes",
        connection_error("RFC 9113 6.5", FRAME_SIZE),
        lambda c: raw_frame(SETTINGS, NO_FLAGS, 0, settings((SettingCodes.HEADER_TABLE_SIZE, 4096))[9:-1]),
    ),
    Case(
        "settings-ack-with-payload",
        connection_error("RFC 9113 6.5", FRAME_SIZE),
        lambda c: raw_frame(SETTINGS, ACK, 0, settings((SettingCodes.HEADER_TABLE_SIZE, 4096))[9:]),
    ),
    Case(
        "window-update-of-3-bytes",
        connection_error("RFC 9113 6.9", FRAME_SIZE),
        lambda c: raw_frame(WINDOW_UPDATE, NO_FLAGS, 0, b"\x00\x00\x01"),
    ),
    Case(
        "rst-stream-of-3-bytes",
        connection_error("RFC 9113 6.4", FRAME_SIZE),
        lambda c: open_stream(c) + raw_frame(RST_STREAM, NO_FLAGS, 1, b"\x00\x00\x08"),
    ),
    Case(
        "priority-of-4-bytes",
        stream_error("RFC 9113 6.3", FRAME_SIZE),
        lambda c: open_stream(c) + raw_frame(PRIORITY, NO_FLAGS, 1, b"\x00\x00\x00\x03"),
    ),
    Case(
        # Chromium makes each request depend on the one before it, a chain as long as the page has
        # requests, and reprioritizes some as the page lays them out. A stream made to depend on
        # one of its own dependants is no error: that dependant moves first (RFC 7540 5.3.3).
        # RFC 9113 deprecates the scheme, but a server must still read the frames, and may ignore them.
        "priority-onto-its-own-dependant-120-deep",
        ignored("RFC 9113 5.3.2; RFC 7540 5.3.3"),
        lambda c: (
            b"".join(
                raw_frame(PRIORITY, NO_FLAGS, stream, (stream - 2).to_bytes(4, "big") + b"\x0f")
                for stream in range(5, 5 + 2 * PRIORITY_CHAIN, 2)
            )
            + raw_frame(PRIORITY, NO_FLAGS, 3, (3 + 2 * PRIORITY_CHAIN).to_bytes(4, "big") + b"\x0f")
            + request(c, 1)
        ),
    ),
    Case(
        "data-padding-over-its-length",
        connection_error("RFC 9113 6.1", PROTOCOL),
        # Pad Length 5, and only 4 bytes after it
        lambda c: request(c, end_stream=False) + raw_frame(DATA, PADDED | END_STREAM, 1, b"\x05body"),
    ),
    Case(
        "headers-padding-over-its-length",
        connection_error("RFC 9113 6.2", PROTOCOL),
        # Pad Length 255, then a 3-byte field block (GET / https)
        lambda c: raw_frame(HEADERS, PADDED | END_STREAM | END_HEADERS, 1, b"\xff\x82\x84\x87"),
    ),
]

WRONG_STREAMS = [
    Case(
        "settings-on-a-stream",
        connection_error("RFC 9113 6.5", PROTOCOL),
        lambda c: raw_frame(SETTINGS, NO_FLAGS, 1, b""),
    ),
    Case(
        "ping-on-a-stream",
        connection_error("RFC 9113 6.7", PROTOCOL),
        lambda c: open_stream(c) + raw_frame(PING, NO_FLAGS, 1, PING_PAYLOAD),
    ),
    Case("rst-stream-on-stream-0", connection_error("RFC 9113 6.4", PROTOCOL), lambda c: rst_stream(0)),
]

STREAM_STATES = [
    Case(
        "data-on-an-idle-stream",
        connection_error("RFC 9113 5.1", PROTOCOL),
        lambda c: raw_frame(DATA, END_STREAM, 1, b"body"),
    ),
    Case("rst-stream-on-an-idle-stream", connection_error("RFC 9113 6.4", PROTOCOL), lambda c: rst_stream(1)),
    Case("window-update-on-an-idle-stream", connection_error("RFC 9113 5.1", PROTOCOL), lambda c: window_update(1, 1)),
    Case(
        "continuation-on-an-idle-stream",
        connection_error("RFC 9113 6.10", PROTOCOL),
        lambda c: raw_frame(CONTINUATION, END_HEADERS, 1, c.encoder.encode(c.request_headers())),
    ),
    Case(
        "ping-inside-a-header-block",
        connection_error("RFC 9113 4.3", PROTOCOL),
        lambda c: (
            c.headers_frame(1, c.encoder.encode(c.request_headers()), end_headers=False)
            + raw_frame(PING, NO_FLAGS, 0, PING_PAYLOAD)
        ),
    ),
    Case(
        "continuation-on-another-stream",
        connection_error("RFC 9113 6.10", PROTOCOL),
        lambda c: (
            c.headers_frame(1, c.encoder.encode(c.request_headers()), end_headers=False)
            + raw_frame(CONTINUATION, END_HEADERS, 3, c.encoder.encode([("x-more", "a")]))
        ),
    ),
    Case("even-stream-id", connection_error("RFC 9113 5.1.1", PROTOCOL), lambda c: request(c, 2)),
    Case("decreasing-stream-id", connection_error("RFC 9113 5.1.1", PROTOCOL), lambda c: request(c, 5) + request(c, 3)),
    Case(
        "data-on-a-closed-stream",
        stream_error("RFC 9113 6.1", STREAM_CLOSED),
        after_the_answer(lambda c: raw_frame(DATA, END_STREAM, 1, b"body")),
    ),
    Case(
        "headers-on-a-closed-stream",
        stream_error("RFC 9113 5.1, 5.1.1", STREAM_CLOSED, PROTOCOL),
        after_the_answer(healthz),
    ),
    Case(
        "data-after-rst-stream",
        stream_error("RFC 9113 6.1", STREAM_CLOSED),
        lambda c: request(c, end_stream=False) + rst_stream(1) + raw_frame(DATA, END_STREAM, 1, b"body"),
    ),
    Case("too-many-concurrent-streams", stream_error("RFC 9113 5.1.2", PROTOCOL, REFUSED), too_many_streams),
]

FIELDS = [
    Case("missing-method", malformed("8.3.1"), lambda c: request(c, 1, headers(c, drop=(":method",)))),
    Case("missing-scheme", malformed("8.3.1"), lambda c: request(c, 1, headers(c, drop=(":scheme",)))),
    Case("missing-path", malformed("8.3.1"), lambda c: request(c, 1, headers(c, drop=(":path",)))),
    Case("empty-path", malformed("8.3.1"), lambda c: request(c, 1, headers(c, (":path", ""), drop=(":path",)))),
    Case("duplicated-path", malformed("8.3.1"), lambda c: request(c, 1, headers(c, (":path", "/")))),
    Case("unknown-pseudo-header", malformed("8.3"), lambda c: request(c, 1, headers(c, (":foo", "bar")))),
    Case("status-in-a-request", malformed("8.3"), lambda c: request(c, 1, headers(c, (":status", "200")))),
    Case(
        "pseudo-header-after-a-field",
        malformed("8.3"),
        lambda c: request(c, 1, [("x-first", "a")] + headers(c)),
    ),
    Case("uppercase-field-name", malformed("8.2"), lambda c: request(c, 1, headers(c, ("X-Upper", "a")))),
    Case(
        "cr-lf-in-a-field-value",
        malformed("8.2.1"),
        lambda c: request(c, 1, headers(c, ("x-split", "a\r\nx-injected: b"))),
    ),
    Case("connection-field", malformed("8.2.2"), lambda c: request(c, 1, headers(c, ("connection", "keep-alive")))),
    Case(
        "transfer-encoding-field",
        malformed("8.2.2"),
        lambda c: request(c, 1, headers(c, ("transfer-encoding", "chunked"))),
    ),
    Case("te-other-than-trailers", malformed("8.2.2"), lambda c: request(c, 1, headers(c, ("te", "gzip")))),
    Case(
        "pseudo-header-in-trailers",
        malformed("8.1"),
        lambda c: body_then_trailers(c, [(":path", "/"), ("x-trailer", "a")], end_stream=True),
    ),
    Case(
        "trailers-without-end-stream",
        malformed("8.1"),
        lambda c: body_then_trailers(c, [("x-trailer", "a")], end_stream=False),
    ),
    Case(
        "content-length-above-data", stream_error("RFC 9113 8.1.1", PROTOCOL), lambda c: post_with_body(c, 8, b"body")
    ),
    Case(
        "content-length-below-data", stream_error("RFC 9113 8.1.1", PROTOCOL), lambda c: post_with_body(c, 2, b"body")
    ),
]

FLOW_CONTROL_AND_SETTINGS = [
    Case(
        "window-update-of-0-on-the-connection",
        connection_error("RFC 9113 6.9", PROTOCOL),
        lambda c: window_update(0, 0),
    ),
    Case(
        "window-update-of-0-on-a-stream",
        stream_error("RFC 9113 6.9", PROTOCOL),
        lambda c: open_stream(c) + window_update(1, 0),
    ),
    Case(
        "connection-window-over-2^31-1",
        connection_error("RFC 9113 6.9.1", FLOW_CONTROL),
        lambda c: window_update(0, LARGEST_WINDOW),
    ),
    Case(
        "stream-window-over-2^31-1",
        stream_error("RFC 9113 6.9.1", FLOW_CONTROL),
        lambda c: open_stream(c) + window_update(1, LARGEST_WINDOW),
    ),
    Case(
        "initial-window-size-over-2^31-1",
        connection_error("RFC 9113 6.5.2", FLOW_CONTROL),
        lambda c: settings((SettingCodes.INITIAL_WINDOW_SIZE, LARGEST_WINDOW + 1)),
    ),
    Case(
        "enable-push-of-2",
        connection_error("RFC 9113 6.5.2", PROTOCOL),
        lambda c: settings((SettingCodes.ENABLE_PUSH, 2)),
    ),
    Case(
        "max-frame-size-below-16384",
        connection_error("RFC 9113 6.5.2", PROTOCOL),
        lambda c: settings((SettingCodes.MAX_FRAME_SIZE, 16383)),
    ),
    Case(
        "unknown-setting",
        ignored("RFC 9113 6.5.2"),
        lambda c: settings((UNKNOWN_SETTING, 1)) + healthz(c),
    ),
    Case(
        "unknown-frame-type",
        ignored("RFC 9113 4.1, 5.5"),
        lambda c: raw_frame(UNKNOWN_FRAME_TYPE, NO_FLAGS, 0, b"hello") + healthz(c),
    ),
]

# Field blocks start with 0x82 (:method GET, static entry 2) where they need a valid first field.
HPACK = [
    Case("index-0", connection_error("RFC 7541 6.1", COMPRESSION), lambda c: field_block(b"\x82\x80")),
    Case(
        "index-past-the-tables",
        connection_error("RFC 7541 2.3.3", COMPRESSION),
        lambda c: field_block(b"\x82" + integer(200, 7, 0x80)),  # 61 static entries, an empty dynamic table
    ),
    Case(
        "table-size-update-after-a-field",
        connection_error("RFC 7541 4.2", COMPRESSION),
        lambda c: field_block(c.encoder.encode(c.request_headers()) + b"\x20"),  # size update to 0, last
    ),
    Case(
        "huffman-with-eos",
        connection_error("RFC 7541 5.2", COMPRESSION),
        lambda c: field_block(huffman_name(b"\xff\xff\xff\xff")),  # 32 one bits: EOS is 30 of them
    ),
    Case(
        "huffman-padding-over-7-bits",
        connection_error("RFC 7541 5.2", COMPRESSION),
        lambda c: field_block(huffman_name(b"\x1f\xff")),  # "a" (00011), then 11 one bits
    ),
    Case(
        "huffman-padding-of-zeros",
        connection_error("RFC 7541 5.2", COMPRESSION),
        lambda c: field_block(huffman_name(b"\x18")),  # "a" (00011), then 3 zero bits
    ),
]

CASES = FRAME_SIZES + WRONG_STREAMS + STREAM_STATES + FIELDS + FLOW_CONTROL_AND_SETTINGS + HPACK

# service -> case name -> what the server does instead. Each is an upstream flaw: no setting changes it.
HPACK_CASES = tuple(case.name for case in HPACK)
MALFORMED_ANSWERED_400 = (
    "missing-method",
    "missing-scheme",
    "missing-path",
    "empty-path",
    "duplicated-path",
    "unknown-pseudo-header",
    "status-in-a-request",
    "uppercase-field-name",
    "cr-lf-in-a-field-value",
    "content-length-above-data",
    "content-length-below-data",
)
# Bodies that do not match their content-length: a server reading one may be left waiting on
# bytes that will never come (harmless checks it is left idle).
SHORT_OR_LONG_BODY = ("content-length-above-data", "content-length-below-data")
NGINX = "nginx 1.26.3"
NGINX_FLAWS = (
    {
        name: f"{NGINX}: answers the malformed request 400 Bad Request and ends the stream, "
        "never with the RST_STREAM PROTOCOL_ERROR that 8.1.1 asks for"
        for name in MALFORMED_ANSWERED_400
    }
    | {
        name: f"{NGINX}: answers the request (200) instead of treating it as malformed"
        for name in (
            "pseudo-header-after-a-field",
            "connection-field",
            "transfer-encoding-field",
            "te-other-than-trailers",
        )
    }
    | {
        name: f"{NGINX}: ignores DATA on a closed stream (answered, or reset by the client): no RST_STREAM STREAM_CLOSED"
        for name in ("data-on-a-closed-stream", "data-after-rst-stream")
    }
    | {
        name: f"{NGINX}: ignores a frame on a stream the client never opened: no GOAWAY, the connection stays open"
        for name in ("data-on-an-idle-stream", "rst-stream-on-an-idle-stream", "window-update-on-an-idle-stream")
    }
    | {
        "table-size-update-after-a-field": f"{NGINX}: accepts a dynamic table size update after a field and "
        "answers 200: no COMPRESSION_ERROR",
        "huffman-padding-over-7-bits": f"{NGINX}: answers 400 Bad Request: the HPACK decoding error is not "
        "a connection error COMPRESSION_ERROR",
    }
)


def built_on_h2(server: str) -> dict[str, str]:
    """What the servers built on the Python h2 library (4.4.1, hyperframe 6.1.0) all do instead."""
    return {
        name: f"{server} (h2 4.4.1): an HPACK decoding error ends the connection with GOAWAY PROTOCOL_ERROR, "
        "not COMPRESSION_ERROR (h2 turns every hpack error into its ProtocolError)"
        for name in HPACK_CASES
    } | {
        "settings-ack-with-payload": f"{server} (h2 4.4.1, hyperframe 6.1.0): GOAWAY PROTOCOL_ERROR, not "
        "FRAME_SIZE_ERROR (hyperframe calls the payload invalid data, which h2 reports as a protocol error)",
    }


GRANIAN = "Granian 2.8.7 (hyper 1.12.0, h2 0.4.20)"
GRANIAN_FLAWS = (
    {
        name: f"{GRANIAN}: a frame of the wrong length ends the connection with GOAWAY PROTOCOL_ERROR, "
        "not FRAME_SIZE_ERROR (h2 reports every frame it cannot load as PROTOCOL_ERROR)"
        for name in (
            "settings-of-5-bytes",
            "settings-ack-with-payload",
            "window-update-of-3-bytes",
            "rst-stream-of-3-bytes",
            "priority-of-4-bytes",
        )
    }
    | {
        name: f"{GRANIAN}: an HPACK decoding error ends the connection with GOAWAY PROTOCOL_ERROR, not COMPRESSION_ERROR"
        for name in HPACK_CASES
    }
    | {
        "initial-window-size-over-2^31-1": f"{GRANIAN}: SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1 ends the "
        "connection with GOAWAY PROTOCOL_ERROR, not FLOW_CONTROL_ERROR",
        "pseudo-header-in-trailers": f"{GRANIAN}: a trailer section holding :path is let through: the app answers "
        "(405 to this POST) and the stream is never reset",
    }
)


def deep_priority_flaw(server: str) -> dict[str, str]:
    """What Chromium's /race HTTP/2 lane to Hypercorn hit (docs/hardening.md)."""
    return {
        "priority-onto-its-own-dependant-120-deep": f"{server}: its priority tree checks for a loop by walking "
        "at most 100 parents up, and takes a chain deeper than that for one: PriorityLoop, unhandled (a traceback), "
        "the connection dropped with every stream on it"
    }


KNOWN_FAILURES: dict[str, dict[str, str]] = {
    "nginx": NGINX_FLAWS,
    "quart_backend": built_on_h2("Hypercorn 0.18.0") | deep_priority_flaw("Hypercorn 0.18.0 (priority 2.0.0)"),
    "gunicorn_h2": built_on_h2("Gunicorn 27.0.1"),
    "twisted_backend": built_on_h2("Twisted 26.10.0") | deep_priority_flaw("Twisted 26.10.0 (priority 1.3.0)"),
    "django_backend": built_on_h2("Daphne 4.2.3 (Twisted 26.10.0)")
    | deep_priority_flaw("Daphne 4.2.3 (Twisted 26.10.0, priority 1.3.0)"),
    "granian_flask": GRANIAN_FLAWS,
    "granian_quart": GRANIAN_FLAWS,
}


@pytest.mark.parametrize("case, endpoint", conformance_params(CASES, KNOWN_FAILURES))
def test_conformance(case, endpoint, conformance):
    with harmless(endpoint, left_idle=case.name in SHORT_OR_LONG_BODY), connect(endpoint) as client:
        data = case.send(client)
        case_sent = sent(data)
        client.send(data + (raw_frame(PING, NO_FLAGS, 0, SENTINEL) if case_sent.ping_may_follow else b""))
        watched = client.watch(WATCH_SECONDS, until=lambda seen: case.rule.met_by(seen) or said_all(seen, case_sent))
        verdict = conformance(case, watched)
        assert case.rule.met_by(verdict), (
            f"{endpoint}: expected {case.name} to be {case.rule}, saw {verdict} ({case.rule.outcome(verdict)})"
        )
