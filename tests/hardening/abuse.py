"""An abusive HTTP/2 client: raw frames over a verified TLS connection, and what the server did.

The h2 library refuses to send most of what these probes send, so frames are
built with hyperframe and header blocks with hpack; the server's frames are
parsed the same way, to tell a GOAWAY from an RST_STREAM from a response.
"""

import ssl
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import hpack
from h2.errors import ErrorCodes
from hyperframe.frame import (
    ContinuationFrame,
    Frame,
    GoAwayFrame,
    HeadersFrame,
    PingFrame,
    RstStreamFrame,
    SettingsFrame,
)

from lab import Endpoint
from wire import open_tls, tls_context

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
FRAME_HEADER_SIZE = 9
LARGEST_FRAME_LENGTH = 2**24 - 1  # what the 24-bit length field of a frame header can say
GRACE_AFTER_REFUSAL = 1.0  # seconds to wait for the close that follows a refusal
SEND_PIECE = 16384  # bytes written between two looks at what the server sent
SEND_SECONDS = 10.0  # the most one send() may take, however much it is given


def error_name(code: int) -> str:
    try:
        return ErrorCodes(code).name
    except ValueError:
        return f"0x{code:x}"


@dataclass
class Verdict:
    """What the server did to one abusive connection."""

    goaways: list[str] = field(default_factory=list)  # each GOAWAY's error code name, in order
    last_stream_id: int | None = None  # the first GOAWAY's: streams above it were not processed (RFC 9113 6.8)
    resets: Counter = field(default_factory=Counter)  # RST_STREAM error code name -> count
    statuses: Counter = field(default_factory=Counter)  # :status -> count
    closed_after: float | None = None  # seconds from the start of the abuse to the close
    settings: dict[int, int] = field(default_factory=dict)  # the server's SETTINGS
    ended: set[int] = field(default_factory=set)  # the streams the server has ended (END_STREAM)
    reset: set[int] = field(default_factory=set)  # the streams the server has reset (RST_STREAM)
    pongs: set[bytes] = field(default_factory=set)  # the payloads of the PINGs the server acknowledged

    @property
    def goaway(self) -> str | None:
        """The first GOAWAY's error code: the one that says why (a later one may only repeat or time out)."""
        return self.goaways[0] if self.goaways else None

    @property
    def refused(self) -> bool:
        """The server stopped the abuse: GOAWAY, RST_STREAM, a 4xx, or a close."""
        client_errors = any(400 <= status < 500 for status in self.statuses)
        return bool(self.goaway or self.resets or client_errors or self.closed_after is not None)

    def __str__(self) -> str:
        seen = []
        if self.goaways:
            seen.append("GOAWAY " + " then ".join(self.goaways))
        seen += [f"{count}x RST_STREAM {code}" for code, count in self.resets.items()]
        seen += [f"{count}x :status {status}" for status, count in sorted(self.statuses.items())]
        seen.append(
            f"closed after {self.closed_after:.1f} s" if self.closed_after is not None else "connection still open"
        )
        return ", ".join(seen)


class AbusiveConnection:
    """One TLS connection that negotiated h2, writing whatever bytes it is told to."""

    def __init__(self, endpoint: Endpoint, *, preface: bytes = PREFACE + SettingsFrame(0).serialize()):
        self.endpoint = endpoint
        self.tls = open_tls(endpoint, tls_context(["h2"]))
        if self.tls.selected_alpn_protocol() != "h2":
            raise AssertionError(f"{endpoint}: ALPN selected {self.tls.selected_alpn_protocol()!r}, not 'h2'")
        self.started = time.monotonic()
        self.verdict = Verdict()
        self.encoder = hpack.Encoder()
        self._decoder = hpack.Decoder(max_header_list_size=2**20)
        self._received = b""
        self._header_block = b""
        self.send(preface)

    def __enter__(self) -> "AbusiveConnection":
        return self

    def __exit__(self, *_exc) -> None:
        self.tls.close()

    @property
    def closed(self) -> bool:
        return self.verdict.closed_after is not None

    def send(self, data: bytes) -> None:
        """Send in pieces, reading between them; stop once the server said GOAWAY or hung up."""
        deadline = time.monotonic() + SEND_SECONDS
        for start in range(0, len(data), SEND_PIECE):
            if self.closed or self.verdict.goaway or time.monotonic() > deadline:
                return
            self.tls.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                self.tls.sendall(data[start : start + SEND_PIECE])
            except (TimeoutError, ConnectionError, ssl.SSLError, OSError):
                self._read(0.5)  # the GOAWAY may already be waiting
                self._mark_closed()
                return
            self._read(0)

    def request_headers(self, path: str = "/") -> list[tuple[str, str]]:
        return [
            (":method", "GET"),
            (":scheme", "https"),
            (":authority", f"{self.endpoint.host}:{self.endpoint.port}"),
            (":path", path),
        ]

    def headers_frame(
        self, stream_id: int, block: bytes, *, end_headers: bool = True, end_stream: bool = True
    ) -> bytes:
        flags = (["END_HEADERS"] if end_headers else []) + (["END_STREAM"] if end_stream else [])
        return HeadersFrame(stream_id, data=block, flags=flags).serialize()

    def watch(self, seconds: float, until: Callable[[Verdict], bool] | None = None) -> Verdict:
        """Read the server's frames until it closes the connection, `until` holds, or `seconds` pass;
        once it has refused (GOAWAY, RST_STREAM, 4xx), give it a moment more to close."""
        deadline = time.monotonic() + seconds
        while not self.closed and time.monotonic() < deadline and not (until and until(self.verdict)):
            if self.verdict.refused:
                deadline = min(deadline, time.monotonic() + GRACE_AFTER_REFUSAL)
            self._read(min(0.25, max(0.0, deadline - time.monotonic())))
        return self.verdict

    def server_settings(self, seconds: float = 2.0) -> dict[int, int]:
        """The SETTINGS the server announced, read as soon as they arrive (for limits a probe must exceed)."""
        deadline = time.monotonic() + seconds
        while not self.verdict.settings and not self.closed and time.monotonic() < deadline:
            self._read(min(0.25, max(0.01, deadline - time.monotonic())))
        return self.verdict.settings

    def _mark_closed(self) -> None:
        if not self.closed:
            self.verdict.closed_after = time.monotonic() - self.started

    def _read(self, timeout: float) -> None:
        if self.closed:
            return
        self.tls.settimeout(timeout if timeout > 0 else 0.0)
        try:
            while True:
                data = self.tls.recv(65536)
                if not data:
                    self._mark_closed()
                    break
                self._received += data
                self._parse_frames()
                if timeout > 0:
                    break
        except (TimeoutError, ssl.SSLWantReadError, BlockingIOError):
            pass
        except (ConnectionError, ssl.SSLError, OSError):
            self._mark_closed()

    def _parse_frames(self) -> None:
        while len(self._received) >= FRAME_HEADER_SIZE:
            frame, length = Frame.parse_frame_header(memoryview(self._received[:FRAME_HEADER_SIZE]))
            if len(self._received) < FRAME_HEADER_SIZE + length:
                break
            frame.parse_body(memoryview(self._received[FRAME_HEADER_SIZE : FRAME_HEADER_SIZE + length]))
            self._received = self._received[FRAME_HEADER_SIZE + length :]
            self._take(frame)

    def _take(self, frame: Frame) -> None:
        """Record one server frame. Nothing is answered (no SETTINGS ACK): an answer
        could land inside a header block the attack leaves open."""
        if "END_STREAM" in frame.flags:
            self.verdict.ended.add(frame.stream_id)
        match frame:
            case GoAwayFrame():
                self.verdict.goaways.append(error_name(frame.error_code))
                if self.verdict.last_stream_id is None:
                    self.verdict.last_stream_id = frame.last_stream_id
            case RstStreamFrame():
                self.verdict.resets[error_name(frame.error_code)] += 1
                self.verdict.reset.add(frame.stream_id)
            case PingFrame() if "ACK" in frame.flags:
                self.verdict.pongs.add(bytes(frame.opaque_data))
            case SettingsFrame() if "ACK" not in frame.flags:
                self.verdict.settings.update(frame.settings)
            case HeadersFrame() | ContinuationFrame():
                self._header_block += frame.data
                if "END_HEADERS" in frame.flags:
                    headers = dict(self._decoder.decode(self._header_block, raw=False))
                    self._header_block = b""
                    if ":status" in headers:
                        self.verdict.statuses[int(headers[":status"])] += 1


def raw_frame(frame_type: int, flags: int, stream_id: int, payload: bytes) -> bytes:
    """A frame exactly as given, even one the protocol forbids (wrong stream, wrong length)."""
    return len(payload).to_bytes(3, "big") + bytes([frame_type, flags]) + stream_id.to_bytes(4, "big") + payload


def header_block_frames(stream_id: int, block: bytes, *, piece: int = 16384) -> bytes:
    """A header block too big for one frame: HEADERS, then CONTINUATION frames, the last one ending it."""
    pieces = [block[start : start + piece] for start in range(0, len(block), piece)]
    frames = [
        HeadersFrame(stream_id, data=pieces[0], flags=["END_STREAM"] + (["END_HEADERS"] if len(pieces) == 1 else []))
    ]
    frames += [
        ContinuationFrame(stream_id, data=data, flags=["END_HEADERS"] if number == len(pieces) - 1 else [])
        for number, data in enumerate(pieces[1:], start=1)
    ]
    return b"".join(frame.serialize() for frame in frames)


# The services whose HTTP/2 is Twisted's, with what runs it: Twisted itself, and Daphne, Django's
# server (on Twisted, the same H2Connection); a flaw of Twisted's is a flaw of both.
ON_TWISTED = {"twisted_backend": "Twisted 26.10.0", "django_backend": "Daphne 4.2.3 (Twisted 26.10.0)"}


def on_twisted(flaw: str) -> dict[str, str]:
    """A flaw of Twisted's HTTP/2, for each service that runs it: '<server>: <flaw>'."""
    return {service: f"{server}: {flaw}" for service, server in ON_TWISTED.items()}


def http2_endpoints(upstream_flaws: dict[str, str] | None = None) -> list:
    """Every HTTP/2 endpoint as a pytest parameter; those whose server has a known
    upstream flaw for this attack are strict xfails that say what happens.

    Attacks on one service run one after another (one xdist group per service),
    so that a crash in its logs belongs to the attack that caused it; attacks on
    different services run at the same time.
    """
    import pytest

    from lab import HTTP2_ENDPOINTS

    flaws = upstream_flaws or {}
    return [
        pytest.param(
            endpoint,
            id=endpoint.name,
            marks=[pytest.mark.xdist_group(endpoint.service)]
            + ([pytest.mark.xfail(strict=True, reason=flaws[endpoint.service])] if endpoint.service in flaws else []),
        )
        for endpoint in HTTP2_ENDPOINTS
    ]
