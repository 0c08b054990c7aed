"""An abusive HTTP/3 client: aioquic's QUIC layer alone (QuicConnection), every HTTP/3 byte
written by hand, and what the server did; with the rules of RFC 9114 and RFC 9204 it is judged by.

aioquic's H3Connection refuses to send what these probes send, so the client writes its own
control stream, QPACK streams and frames (varint type, varint length, payload); header blocks
come from pylsqpack's Encoder (static table only: the client announces no dynamic table) or are
built by hand. The server's answer is read from QUIC: its CONNECTION_CLOSE, each stream's
RESET_STREAM and STOP_SENDING, the responses' HEADERS (pylsqpack's Decoder) and each stream's end.

A connection error is a CONNECTION_CLOSE with its code (RFC 9114 8). A stream error is a
RESET_STREAM or STOP_SENDING with its code, or a CONNECTION_CLOSE with it: RFC 9114 8 lets
any stream error be treated as a connection error. A malformed request is a stream error
H3_MESSAGE_ERROR (RFC 9114 4.1.2), a response before it allowed.
"""

import select
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pylsqpack
from aioquic.h3.connection import ErrorCode
from aioquic.quic.connection import QuicConnection
from aioquic.quic.events import (
    ConnectionTerminated,
    HandshakeCompleted,
    StopSendingReceived,
    StreamDataReceived,
    StreamReset,
)
from aioquic.quic.packet import QuicErrorCode

from clients.http3 import client_configuration
from lab import CA_FILE, HTTP3_ENDPOINTS, Endpoint
from unharmed import param

# Frame types (RFC 9114 7.2), and HTTP/2's that HTTP/3 reserves and forbids (7.2.8, 11.2.1).
DATA, HEADERS, CANCEL_PUSH, SETTINGS, PUSH_PROMISE, GOAWAY, MAX_PUSH_ID = 0x0, 0x1, 0x3, 0x4, 0x5, 0x7, 0xD
HTTP2_PRIORITY, HTTP2_PING, HTTP2_WINDOW_UPDATE, HTTP2_CONTINUATION = 0x2, 0x6, 0x8, 0x9
# Unidirectional stream types (RFC 9114 6.2; RFC 9204 4.2)
CONTROL_STREAM, PUSH_STREAM, ENCODER_STREAM, DECODER_STREAM = 0x0, 0x1, 0x2, 0x3
QPACK_MAX_TABLE_CAPACITY = 0x1  # a setting (RFC 9204 5)
HANDSHAKE_SECONDS = 5.0
MET, REFUSED_OTHERWISE, LET_THROUGH = "met", "refused another way", "let through"
# A refusal by status, before or instead of the stream error (RFC 9114 4.1.2 lets a response come
# first): 400 for a malformed request, 413 for a body longer than its content-length said.
REFUSING_STATUSES = (400, 413)


def varint(value: int) -> bytes:
    """A QUIC variable-length integer (RFC 9000 16): 1, 2, 4 or 8 bytes, its length in the top two bits."""
    for length, tag in ((1, 0x00), (2, 0x40), (4, 0x80), (8, 0xC0)):
        if value < 2 ** (8 * length - 2):
            encoded = bytearray(value.to_bytes(length, "big"))
            encoded[0] |= tag
            return bytes(encoded)
    raise ValueError(f"{value} is too large for a QUIC varint")


def read_varint(data: bytes, at: int) -> tuple[int, int] | None:
    """The varint at `at` and where the next field starts, or None when `data` ends inside it."""
    if at >= len(data):
        return None
    length = 1 << (data[at] >> 6)
    if at + length > len(data):
        return None
    return int.from_bytes(bytes([data[at] & 0x3F]) + data[at + 1 : at + length], "big"), at + length


def frame(frame_type: int, payload: bytes) -> bytes:
    """A frame exactly as given (RFC 9114 7.1), even one the protocol forbids on that stream."""
    return varint(frame_type) + varint(len(payload)) + payload


def settings(*pairs: tuple[int, int]) -> bytes:
    return frame(SETTINGS, b"".join(varint(key) + varint(value) for key, value in pairs))


def reserved(n: int) -> int:
    """A reserved type or identifier (0x1f * N + 0x21): frames, streams, settings (RFC 9114 7.2.8, 6.2.3, 7.2.4.1)."""
    return 0x1F * n + 0x21


def split_frames(data: bytes) -> tuple[list[tuple[int, bytes]], bytes]:
    """The whole frames at the start of `data`, as (type, payload), and the bytes after them."""
    frames, at = [], 0
    while (kind := read_varint(data, at)) and (length := read_varint(data, kind[1])):
        end = length[1] + length[0]
        if end > len(data):
            break
        frames.append((kind[0], data[length[1] : end]))
        at = end
    return frames, data[at:]


def error_name(code: int, *, transport: bool = False) -> str:
    """An application error code by its RFC 9114 or RFC 9204 name; a QUIC transport one prefixed so."""
    try:
        return f"transport {QuicErrorCode(code).name}" if transport else ErrorCode(code).name
    except ValueError:
        return f"transport 0x{code:x}" if transport else f"0x{code:x}"


def is_request_stream(stream_id: int) -> bool:
    return stream_id % 4 == 0  # client-initiated bidirectional (RFC 9000 2.1)


@dataclass
class Verdict:
    """What the server did to one abusive HTTP/3 connection."""

    close: str | None = None  # its CONNECTION_CLOSE's error code name
    reason: str = ""  # ... and its reason phrase
    closed_after: float | None = None  # seconds from the handshake to the CONNECTION_CLOSE
    resets: dict[int, str] = field(default_factory=dict)  # stream -> RESET_STREAM error code name
    stop_sendings: dict[int, str] = field(default_factory=dict)  # stream -> STOP_SENDING error code name
    statuses: dict[int, int] = field(default_factory=dict)  # request stream -> final :status
    ended: set[int] = field(default_factory=set)  # the streams the server has ended (FIN)
    requested: set[int] = field(default_factory=set)  # the request streams the client ended: each owed an answer
    settings: dict[int, int] = field(default_factory=dict)  # the server's SETTINGS

    @property
    def refusals(self) -> set[str]:
        """The codes the server aborted request streams with (RESET_STREAM, STOP_SENDING); H3_NO_ERROR
        is no refusal (RFC 9114 4.1: a server done with a request may stop reading it)."""
        aborted = list(self.resets.items()) + list(self.stop_sendings.items())
        return {code for stream, code in aborted if is_request_stream(stream) and code != ErrorCode.H3_NO_ERROR.name}

    @property
    def said_all(self) -> bool:
        """The server has said all it will: it closed the connection, or it has ended or reset every
        request the client ended (the last one sent after the case's bytes, so those were read)."""
        return self.close is not None or self.requested <= self.ended | set(self.resets)

    def __str__(self) -> str:
        seen = [f"CONNECTION_CLOSE {self.close}" + (f" ({self.reason!r})" if self.reason else "")] if self.close else []
        for stream in sorted(set(self.resets) | set(self.stop_sendings) | set(self.statuses) | self.requested):
            on_stream = [f":status {self.statuses[stream]}"] if stream in self.statuses else []
            on_stream += [f"RESET_STREAM {self.resets[stream]}"] if stream in self.resets else []
            on_stream += [f"STOP_SENDING {self.stop_sendings[stream]}"] if stream in self.stop_sendings else []
            on_stream += ["ended"] if stream in self.ended else []
            seen.append(f"stream {stream}: {' '.join(on_stream) or 'no answer'}")
        if self.close is None:
            seen.append("connection still open")
        return ", ".join(seen)


@dataclass(frozen=True)
class Rule:
    """What the server MUST do: a connection error, a stream error (with one of `codes`), or ignore it and answer."""

    section: str  # where the MUST is written: "RFC 9114 7.2.4"
    kind: str  # "connection error", "stream error" or "ignored"
    codes: tuple[ErrorCode, ...] = ()

    def outcome(self, verdict: Verdict) -> str:
        """MET, or how the server fell short: REFUSED_OTHERWISE (another code, a 400 or 413, a close) or LET_THROUGH."""
        if self.met_by(verdict):
            return MET
        stopped = verdict.close is not None or verdict.refusals
        refused_by_status = set(REFUSING_STATUSES) & set(verdict.statuses.values())
        return REFUSED_OTHERWISE if stopped or refused_by_status else LET_THROUGH

    def met_by(self, verdict: Verdict) -> bool:
        names = {code.name for code in self.codes}
        match self.kind:
            case "connection error":
                return verdict.close in names
            case "stream error":
                return verdict.close in names or bool(names & verdict.refusals)
            case _:
                answered = all(verdict.statuses.get(stream) == 200 for stream in verdict.requested)
                return verdict.close is None and not verdict.refusals and answered

    def __str__(self) -> str:
        if self.kind == "ignored":
            return f"ignored, every request answered 200 ({self.section})"
        return f"a {self.kind} {' or '.join(code.name for code in self.codes)} ({self.section})"


def connection_error(section: str, code: ErrorCode) -> Rule:
    return Rule(section, "connection error", (code,))


def stream_error(section: str, *codes: ErrorCode) -> Rule:
    return Rule(section, "stream error", codes)


def malformed(section: str) -> Rule:
    """RFC 9114 4.1.2: a malformed request is a stream error H3_MESSAGE_ERROR."""
    return stream_error(f"RFC 9114 {section}, 4.1.2", ErrorCode.H3_MESSAGE_ERROR)


def ignored(section: str) -> Rule:
    return Rule(section, "ignored")


class RawH3Connection:
    """One QUIC connection that negotiated h3, its HTTP/3 bytes the caller's: a control stream
    opened with `control` (stream type 0x00, then these bytes), nothing else until asked."""

    def __init__(self, endpoint: Endpoint, *, control: bytes = settings()):
        self.endpoint = endpoint
        self.verdict = Verdict()
        self.encoder = pylsqpack.Encoder()  # no apply_settings: the static table and literals only
        self._decoder = pylsqpack.Decoder(0, 0)  # the client announces no dynamic table: the server uses none
        self._received: dict[int, bytes] = {}
        self._alpn: str | None = None
        self._started = time.monotonic()  # when the handshake started, then when it completed
        family, _, _, _, self._address = socket.getaddrinfo(endpoint.host, endpoint.port, type=socket.SOCK_DGRAM)[0]
        self._socket = socket.socket(family, socket.SOCK_DGRAM)
        self._socket.setblocking(False)
        self.quic = QuicConnection(configuration=client_configuration(str(CA_FILE), endpoint.host))
        self.quic.connect(self._address, now=time.monotonic())
        self._handshake()
        self.control = self.open_unidirectional(CONTROL_STREAM, control)

    def __enter__(self) -> "RawH3Connection":
        return self

    def __exit__(self, *_exc) -> None:
        self.quic.close(error_code=ErrorCode.H3_NO_ERROR)
        self._transmit()
        self._socket.close()

    def open_unidirectional(self, stream_type: int, data: bytes = b"", *, end: bool = False) -> int:
        stream_id = self.quic.get_next_available_stream_id(is_unidirectional=True)
        self.send(stream_id, varint(stream_type) + data, end=end)
        return stream_id

    def request(self, data: bytes, *, end: bool = True) -> int:
        """A new request stream carrying `data` (ended unless told otherwise): its id."""
        stream_id = self.quic.get_next_available_stream_id()
        self.send(stream_id, data, end=end)
        return stream_id

    def send(self, stream_id: int, data: bytes, *, end: bool = False) -> None:
        self.quic.send_stream_data(stream_id, data, end_stream=end)
        if end and is_request_stream(stream_id):
            self.verdict.requested.add(stream_id)
        self._transmit()

    def headers(self, fields: list[tuple[str, str]]) -> bytes:
        """A HEADERS frame whose field block pylsqpack encodes as given (any name, any order)."""
        _, block = self.encoder.encode(0, [(name.encode(), value.encode()) for name, value in fields])
        return frame(HEADERS, block)

    def request_headers(self, path: str = "/healthz", method: str = "GET") -> list[tuple[str, str]]:
        return [
            (":method", method),
            (":scheme", "https"),
            (":authority", f"{self.endpoint.host}:{self.endpoint.port}"),
            (":path", path),
        ]

    def watch(self, seconds: float, until: Callable[[Verdict], bool]) -> Verdict:
        """Read what the server sends until it closes the connection, `until` holds, or `seconds` pass."""
        deadline = time.monotonic() + seconds
        while self.verdict.close is None and time.monotonic() < deadline and not until(self.verdict):
            self._pump(deadline)
        return self.verdict

    def server_settings(self, seconds: float = 2.0) -> dict[int, int]:
        """The SETTINGS the server announced, read as soon as they arrive (for limits a probe must exceed)."""
        return self.watch(seconds, until=lambda verdict: bool(verdict.settings)).settings

    def _handshake(self) -> None:
        deadline = time.monotonic() + HANDSHAKE_SECONDS
        self._transmit()
        while not self._alpn and time.monotonic() < deadline and self.verdict.close is None:
            self._pump(deadline)
        if self._alpn != "h3":
            # Not an AssertionError: a probe that could not even connect must not pass as a known failure.
            raise ConnectionError(f"{self.endpoint}: no QUIC handshake with ALPN h3 ({self.verdict or 'no answer'})")

    def _transmit(self) -> None:
        for datagram, address in self.quic.datagrams_to_send(now=time.monotonic()):
            self._socket.sendto(datagram, address)

    def _pump(self, deadline: float) -> None:
        """Wait for a datagram or aioquic's timer (loss recovery), at most until `deadline`; take it in."""
        timer = self.quic.get_timer()
        wake = min(deadline, timer) if timer is not None else deadline
        readable, _, _ = select.select([self._socket], [], [], max(0.0, wake - time.monotonic()))
        if readable:
            while True:
                try:
                    datagram, address = self._socket.recvfrom(65536)
                except BlockingIOError:
                    break
                self.quic.receive_datagram(datagram, address, now=time.monotonic())
        elif timer is not None and time.monotonic() >= timer:
            self.quic.handle_timer(now=time.monotonic())
        self._take_events()
        self._transmit()

    def _take_events(self) -> None:
        while (event := self.quic.next_event()) is not None:
            match event:
                case HandshakeCompleted():
                    self._alpn = event.alpn_protocol
                    self._started = time.monotonic()
                case StreamDataReceived():
                    self._take_data(event.stream_id, event.data, event.end_stream)
                case StreamReset():
                    self.verdict.resets[event.stream_id] = error_name(event.error_code)
                case StopSendingReceived():
                    self.verdict.stop_sendings[event.stream_id] = error_name(event.error_code)
                case ConnectionTerminated():
                    self._take_close(event)
        # aioquic reports the peer's CONNECTION_CLOSE as an event only once its draining period is
        # over (three probe timeouts): read it at once, from the event it keeps until then.
        if self.quic._close_event is not None:
            self._take_close(self.quic._close_event)

    def _take_close(self, event: ConnectionTerminated) -> None:
        if self.verdict.close is None:
            # A transport CONNECTION_CLOSE (0x1c) names the frame type; an application one (0x1d) does not.
            self.verdict.close = error_name(event.error_code, transport=event.frame_type is not None)
            self.verdict.reason = event.reason_phrase
            self.verdict.closed_after = time.monotonic() - self._started

    def _take_data(self, stream_id: int, data: bytes, end: bool) -> None:
        if end:
            self.verdict.ended.add(stream_id)
        buffered = self._received.get(stream_id, b"") + data
        if is_request_stream(stream_id):
            frames, self._received[stream_id] = split_frames(buffered)
            for kind, payload in frames:
                if kind == HEADERS:
                    self._take_headers(stream_id, payload)
        elif stream_id % 4 == 3:  # server-initiated unidirectional: its control stream holds its SETTINGS
            if (stream_type := read_varint(buffered, 0)) is None:
                self._received[stream_id] = buffered
            elif stream_type[0] == CONTROL_STREAM:
                frames, rest = split_frames(buffered[stream_type[1] :])
                self._received[stream_id] = buffered[: stream_type[1]] + rest
                for kind, payload in frames:
                    if kind == SETTINGS:
                        self.verdict.settings.update(settings_pairs(payload))

    def _take_headers(self, stream_id: int, block: bytes) -> None:
        _, headers = self._decoder.feed_header(stream_id, block)
        status = int(dict(headers).get(b":status", b"0"))
        if status >= 200:
            self.verdict.statuses[stream_id] = status


def settings_pairs(payload: bytes) -> dict[int, int]:
    pairs, at = {}, 0
    while (key := read_varint(payload, at)) and (value := read_varint(payload, key[1])):
        pairs[key[0]] = value[0]
        at = value[1]
    return pairs


def http3_endpoints(upstream_flaws: dict[str, str] | None = None) -> list:
    """Every HTTP/3 endpoint as a pytest parameter, in its service's xdist group (abuse.http2_endpoints'
    reasons), a strict xfail where its server has a known upstream flaw for this case."""
    return [param(endpoint, id=endpoint.name, flaws=upstream_flaws) for endpoint in HTTP3_ENDPOINTS]
