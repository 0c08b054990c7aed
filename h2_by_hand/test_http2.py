"""Unit tests of the hand-written HTTP/2 connection, driven frame by frame by an h2 client
(no sockets: the connection is a state machine; run in its image)."""

import hashlib
import json

import h2.events
from h2.config import H2Configuration
from h2.connection import H2Connection
from h2.errors import ErrorCodes
from h2.settings import SettingCodes, Settings
from http2 import BODY_PROGRESS, DEFAULT_WINDOW, MAX_RESETS, Http2Connection
from hyperframe.frame import DataFrame, Frame, GoAwayFrame, RstStreamFrame
from responses import respond

import website
from website import layers, upload

PAGE = website.PAGES["/"].read_bytes()
STYLESHEET = "/static/css/bootstrap.min.css"


def frames(wire: bytes) -> list[Frame]:
    """The frames in the server's bytes, as hyperframe reads them."""
    found, at = [], 0
    while at < len(wire):
        frame, length = Frame.parse_frame_header(memoryview(wire[at : at + 9]))
        frame.parse_body(memoryview(wire[at + 9 : at + 9 + length]))
        found.append(frame)
        at += 9 + length
    return found


def request(path: str) -> list[tuple[str, str]]:
    return [(":method", "GET"), (":scheme", "https"), (":authority", "localhost:8453"), (":path", path)]


class Pair:
    """A client and the server's connection, talking: each call moves the bytes both ways."""

    def __init__(self, client_settings: dict | None = None, hold: bool = False, window: int = DEFAULT_WINDOW) -> None:
        self.hold = hold
        self.server = Http2Connection("test", log=lambda line: None, window=window)
        self.client = H2Connection(H2Configuration(client_side=True, header_encoding="utf-8"))
        self.client.local_settings = Settings(client=True, initial_values=client_settings or {})
        self.client.initiate_connection()
        self.events: list = self.client.receive_data(self.server.start())
        self.exchange()

    def exchange(self, extra: bytes = b"") -> None:
        """Client's pending bytes (and `extra`) to the server, the server's answer back, until
        neither has more to say. The client takes what it receives at once (its windows reopen)
        unless a test holds them (hold=True) to see the server wait."""
        outgoing = self.client.data_to_send() + extra
        while outgoing:
            answer = self.server.receive(outgoing)
            seen = self.client.receive_data(answer) if answer else []
            self.events += seen
            for event in seen:
                if isinstance(event, h2.events.DataReceived) and not self.hold:
                    self.client.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            outgoing = self.client.data_to_send()

    def of(self, kind: type) -> list:
        return [event for event in self.events if isinstance(event, kind)]

    def body(self, stream: int) -> bytes:
        return b"".join(e.data for e in self.of(h2.events.DataReceived) if e.stream_id == stream)


def test_the_page_with_103_and_push_when_the_client_allows_it():
    pair = Pair({SettingCodes.ENABLE_PUSH: 1})
    pair.client.send_headers(1, request("/"), end_stream=True)
    pair.exchange()
    hints = pair.of(h2.events.InformationalResponseReceived)
    promised = {dict(e.headers)[":path"]: e.pushed_stream_id for e in pair.of(h2.events.PushedStreamReceived)}
    assert [dict(h.headers)[":status"] for h in hints] == ["103"], "expected one 103 before the page"
    assert sorted(promised) == sorted(website.ASSETS), f"expected the page's assets promised, saw {promised}"
    assert pair.body(1) == PAGE
    for path, stream in promised.items():
        assert pair.body(stream) == website.ASSETS[path].read_bytes(), f"{path}: pushed bytes differ"


def test_no_push_when_the_client_says_enable_push_0():
    pair = Pair({SettingCodes.ENABLE_PUSH: 0})
    pair.client.send_headers(1, request("/"), end_stream=True)
    pair.exchange()
    assert pair.of(h2.events.PushedStreamReceived) == [] and pair.body(1) == PAGE


def test_data_waits_for_the_client_s_window():
    pair = Pair({SettingCodes.INITIAL_WINDOW_SIZE: 1000}, hold=True)
    pair.client.send_headers(1, request(STYLESHEET), end_stream=True)
    pair.exchange()
    assert len(pair.body(1)) == 1000, f"expected 1000 bytes within the window, got {len(pair.body(1))}"
    pair.client.increment_flow_control_window(50_000, stream_id=1)
    pair.exchange()
    assert len(pair.body(1)) == 51_000, f"expected 50 000 more once the window opened, got {len(pair.body(1))}"


def test_responses_in_flight_interleave():
    pair = Pair({SettingCodes.INITIAL_WINDOW_SIZE: 100_000}, hold=True)
    pair.client.send_headers(1, request(STYLESHEET), end_stream=True)
    pair.client.send_headers(3, request("/static/js/jquery.min.js"), end_stream=True)
    pair.exchange()
    order = [e.stream_id for e in pair.of(h2.events.DataReceived)]
    assert order[:4] == [1, 3, 1, 3], f"expected DATA of both streams in turn, saw {order[:8]}"


def test_a_malformed_frame_gets_goaway_protocol_error():
    pair = Pair()
    data_on_stream_0 = (9).to_bytes(3, "big") + bytes([0x0, 0x0]) + (0).to_bytes(4, "big") + b"no stream"
    pair.exchange(data_on_stream_0)  # DATA must be on a stream (RFC 9113 6.1): a connection error
    closing = pair.of(h2.events.ConnectionTerminated)
    assert closing and closing[0].error_code == ErrorCodes.PROTOCOL_ERROR and pair.server.done


def test_goaway_on_stop_lets_the_stream_in_flight_finish_and_refuses_new_ones():
    pair = Pair({SettingCodes.INITIAL_WINDOW_SIZE: 1000}, hold=True)
    pair.client.send_headers(1, request(STYLESHEET), end_stream=True)
    pair.exchange()
    goaway_bytes = pair.server.stop()
    # On their way as the GOAWAY goes out (h2 as a client drops what it has not sent once it
    # reads one): a new request, and room for the rest of the stylesheet.
    pair.client.send_headers(3, request("/"), end_stream=True)
    pair.client.increment_flow_control_window(300_000, stream_id=1)
    pair.client.increment_flow_control_window(300_000)
    in_flight = pair.client.data_to_send()
    pair.events += pair.client.receive_data(goaway_bytes)
    goaway = pair.of(h2.events.ConnectionTerminated)
    assert goaway and (goaway[0].error_code, goaway[0].last_stream_id) == (ErrorCodes.NO_ERROR, 1)
    answer = frames(pair.server.receive(in_flight))  # (h2 as a client reads nothing after a GOAWAY)
    refused = [(f.stream_id, f.error_code) for f in answer if isinstance(f, RstStreamFrame)]
    assert refused == [(3, ErrorCodes.REFUSED_STREAM)], (
        f"a stream opened after the GOAWAY: expected it refused, saw {refused}"
    )
    rest = b"".join(f.data for f in answer if isinstance(f, DataFrame) and f.stream_id == 1)
    assert pair.body(1) + rest == website.ASSETS[STYLESHEET].read_bytes() and pair.server.done


def test_rapid_reset_gets_goaway_enhance_your_calm():
    pair = Pair()
    for stream in range(1, 2 * (MAX_RESETS + 2), 2):
        pair.client.send_headers(stream, request("/"), end_stream=True)
        pair.client.reset_stream(stream, ErrorCodes.CANCEL)
    pair.exchange()
    closing = pair.of(h2.events.ConnectionTerminated)
    assert closing and closing[0].error_code == ErrorCodes.ENHANCE_YOUR_CALM and pair.server.done


def goaway_code(wire: bytes) -> ErrorCodes:
    return next(f.error_code for f in frames(wire) if isinstance(f, GoAwayFrame))


def test_a_broken_hpack_block_gets_compression_error_not_h2_s_protocol_error():
    pair = Pair()
    index_0 = (1).to_bytes(3, "big") + bytes([0x1, 0x5]) + (1).to_bytes(4, "big") + b"\x80"  # RFC 7541 6.1
    assert goaway_code(pair.server.receive(index_0)) == ErrorCodes.COMPRESSION_ERROR


def test_a_settings_ack_with_a_payload_gets_frame_size_error():
    pair = Pair()
    ack_with_payload = (6).to_bytes(3, "big") + bytes([0x4, 0x1]) + (0).to_bytes(4, "big") + bytes(6)  # RFC 9113 6.5
    assert goaway_code(pair.server.receive(ack_with_payload)) == ErrorCodes.FRAME_SIZE_ERROR


def test_data_on_a_stream_the_client_reset_keeps_the_connection():
    pair = Pair()
    pair.client.send_headers(1, request("/"), end_stream=False)
    pair.client.reset_stream(1, ErrorCodes.CANCEL)
    late_data = DataFrame(1, data=b"late").serialize()
    wire = frames(pair.server.receive(pair.client.data_to_send() + late_data))
    resets = [(f.stream_id, f.error_code) for f in wire if isinstance(f, RstStreamFrame)]
    assert resets == [(1, ErrorCodes.STREAM_CLOSED)] and not pair.server.broken, f"saw {resets}"


def post(path: str, length: int | None = None) -> list[tuple[str, str]]:
    headers = [(":method", "POST"), (":scheme", "https"), (":authority", "localhost:8453"), (":path", path)]
    return headers + ([("content-length", str(length))] if length is not None else [])


def send_body(pair: Pair, stream: int, body: bytes) -> None:
    """The body within the client's windows, as a client must send it: each piece waits for
    the server's WINDOW_UPDATE of the one before."""
    while body:
        size = min(pair.client.local_flow_control_window(stream), pair.client.max_outbound_frame_size, len(body))
        assert size > 0, "the server did not reopen its window as it read"
        pair.client.send_data(stream, body[:size], end_stream=size == len(body))
        body = body[size:]
        pair.exchange()


def test_an_upload_is_read_through_the_window_reopened_and_answered_with_its_digest():
    body = bytes(range(256)) * 1024  # 256 KiB: four of h2's default 64 KiB windows
    pair = Pair()
    pair.client.send_headers(1, post(upload.PATH, len(body)))
    pair.exchange()
    send_body(pair, 1, body)
    [response] = [dict(e.headers) for e in pair.of(h2.events.ResponseReceived)]
    assert response[":status"] == "200"
    assert json.loads(pair.body(1)) == {"length": len(body), "sha256": hashlib.sha256(body).hexdigest()}


def test_a_raised_window_lets_the_client_send_a_whole_body_before_any_update():
    window = 16 * 2**20
    pair = Pair(window=window)
    pair.client.send_headers(1, post(upload.PATH, 10_000_000))
    pair.exchange()
    for scope, seen in (("stream 1", pair.client.local_flow_control_window(1)),
                        ("connection", pair.client.outbound_flow_control_window)):  # fmt: skip
        assert seen == window, f"expected the client allowed {window:,} bytes on {scope} at once, saw {seen:,}"
    default = Pair()
    default.client.send_headers(1, post(upload.PATH, 10_000_000))
    default.exchange()
    assert default.client.local_flow_control_window(1) == DEFAULT_WINDOW, "expected h2's default window unless raised"


def test_a_body_that_trickles_in_is_no_progress_for_the_idle_clock_and_one_that_moves_is():
    pair = Pair()
    pair.client.send_headers(1, post(upload.PATH, 1_000_000))
    pair.exchange()
    before = pair.server.events
    for _ in range(100):
        pair.client.send_data(1, b"x")
        pair.exchange()
    assert pair.server.events == before, (
        f"expected 100 one-byte DATA frames to count as no progress, saw {pair.server.events - before}"
    )
    pair.client.send_data(1, b"x" * BODY_PROGRESS)
    pair.exchange()
    assert pair.server.events == before + 1, (
        f"expected {BODY_PROGRESS:,} bytes more to count once, saw {pair.server.events - before}"
    )


def test_an_upload_declared_over_the_limit_gets_413_and_is_told_to_stop():
    pair = Pair()
    pair.client.send_headers(1, post(upload.PATH, upload.LIMIT + 1))
    pair.exchange()
    [response] = [dict(e.headers) for e in pair.of(h2.events.ResponseReceived)]
    assert response[":status"] == "413"
    resets = pair.of(h2.events.StreamReset)
    assert [(e.stream_id, e.error_code) for e in resets] == [(1, ErrorCodes.NO_ERROR)]


def test_the_bench_bare_layer_answers_the_tile_from_memory():
    response = respond("GET", layers.BARE_PATH, "HTTP/2")
    assert response.status == 200, f"expected 200, saw {response.status}"
    assert response.body == website.TILE_ASSETS[layers.FILE_PATH].read_bytes()
    assert ("content-type", layers.MEDIA_TYPE) in response.headers
