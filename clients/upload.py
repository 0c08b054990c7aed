"""POST /upload over HTTP/1.1, HTTP/2 and HTTP/3, each on a new connection, timed; over
HTTP/2 with the server's flow control read on the wire: the windows its SETTINGS announce,
and every WINDOW_UPDATE it sends, when, and for how much.

    upload("h2", origin, body, ca_file)  -> Uploaded

The body is sent as fast as each protocol lets the client: over HTTP/2 and HTTP/3, within
the windows the server gives; over HTTP/1.1, as fast as TCP takes it.
"""

import asyncio
import hashlib
import http.client
import json
import select
import time
from dataclasses import dataclass, field

import h2.events
import h2.settings
from aioquic.asyncio.client import connect
from aioquic.quic.logger import QuicFileLogger

from clients import http3
from clients.events import Origin
from clients.http2 import new_connection
from clients.http3 import H3Client
from clients.tls import client_context, open_tls

PATH = "/upload"  # website/upload.py's PATH (the client side of the lab does not import the site)
PROTOCOLS = ("http/1.1", "h2", "h3")
TIMEOUT = 300.0  # seconds: 10 MB at slow4g's uplink takes a minute, at 64 KiB a round trip longer


def body_of(size: int) -> bytes:
    """A body that compresses to nothing useful and is the same every run."""
    block = b"".join(hashlib.sha256(b"h2lab upload %d" % n).digest() for n in range(2048))  # 64 KiB
    return (block * (size // len(block) + 1))[:size]


@dataclass
class WindowUpdate:
    at: float  # seconds since the connection began
    stream: int  # 0: the connection's window
    increment: int
    sent: int = 0  # body bytes the client had sent when it arrived


@dataclass
class FlowControl:
    """The server's side of HTTP/2 flow control, as it showed on the wire."""

    initial_window: int = 65_535  # SETTINGS_INITIAL_WINDOW_SIZE (RFC 9113's default until it says)
    max_frame_size: int = 16_384
    updates: list[WindowUpdate] = field(default_factory=list)
    largest_window: int = 0  # the most the client was ever allowed to send at once (stream and connection)
    sent: list[tuple[float, int]] = field(default_factory=list)  # each DATA frame the client sent: when, how long

    @property
    def connection_opened_by(self) -> int:
        """What the server's first WINDOW_UPDATE on the connection opened it by, when that is more
        than the client had sent: a window opened ahead of the body (nginx: +2,147,418,112, with
        its SETTINGS). 0 for a server that only gives back what it has read."""
        first = next((update for update in self.updates if update.stream == 0), None)
        return first.increment if first and first.increment > first.sent else 0

    def summary(self) -> dict:
        return {
            "initial_window": self.initial_window,
            "max_frame_size": self.max_frame_size,
            "connection_opened_by": self.connection_opened_by,
            "stream_updates": sum(1 for update in self.updates if update.stream),
            "largest_stream_update": max((u.increment for u in self.updates if u.stream), default=0),
            "largest_window": self.largest_window,
        }


@dataclass
class QuicFlowControl:
    """The server's QUIC flow control, from its transport parameters (RFC 9000 18.2)."""

    stream_window: int  # initial_max_stream_data_bidi_remote: a request stream's body, unacknowledged
    connection_window: int  # initial_max_data

    @property
    def largest_window(self) -> int:
        return min(self.stream_window, self.connection_window)

    def summary(self) -> dict:
        return {"stream_window": self.stream_window, "connection_window": self.connection_window}


@dataclass
class Uploaded:
    protocol: str
    status: int
    answer: dict  # the server's JSON: length and sha256 (empty when it is not 200)
    handshake_seconds: float  # TCP + TLS, or QUIC
    seconds: float  # from the first byte of the connection to the end of the answer
    flow_control: FlowControl | QuicFlowControl | None = None  # HTTP/2 and HTTP/3

    def matches(self, body: bytes) -> bool:
        return self.answer == {"length": len(body), "sha256": hashlib.sha256(body).hexdigest()}


def upload(protocol: str, origin: Origin, body: bytes, ca_file: str, *, qlog_dir: str | None = None) -> Uploaded:
    """POST body to origin's /upload over `protocol`, on a new connection (over HTTP/3, with a
    qlog of it written into qlog_dir, if given: qvis opens it)."""
    if protocol == "http/1.1":
        return _http1(origin, body, ca_file)
    if protocol == "h2":
        return _http2(origin, body, ca_file)
    if protocol == "h3":
        return asyncio.run(asyncio.wait_for(_http3(origin, body, ca_file, qlog_dir), TIMEOUT))
    raise ValueError(f"no upload over {protocol!r}: one of {PROTOCOLS}")


def _answer(status: int, body: bytes) -> dict:
    return json.loads(body) if status == 200 else {}


def _http1(origin: Origin, body: bytes, ca_file: str) -> Uploaded:
    began = time.monotonic()
    context = client_context(ca_file, ["http/1.1"])
    with open_tls(origin.dial_host, origin.port, context, server_name=origin.server_name, timeout=TIMEOUT) as tls:
        handshaken = time.monotonic()
        head = f"POST {PATH} HTTP/1.1\r\nHost: {origin.authority}\r\nContent-Length: {len(body)}\r\n\r\n"
        tls.sendall(head.encode() + body)
        response = http.client.HTTPResponse(tls)
        response.begin()
        answer = response.read()
    return Uploaded(
        "http/1.1", response.status, _answer(response.status, answer), handshaken - began, time.monotonic() - began
    )


def _http2(origin: Origin, body: bytes, ca_file: str) -> Uploaded:
    began = time.monotonic()
    flow = FlowControl()
    with open_tls(
        origin.dial_host, origin.port, client_context(ca_file, ["h2"]), server_name=origin.server_name, timeout=TIMEOUT
    ) as tls:
        handshaken = time.monotonic()
        connection = new_connection(accept_push=False)
        stream = connection.get_next_available_stream_id()
        headers = [(":method", "POST"), (":scheme", "https"), (":authority", origin.authority), (":path", PATH)]
        connection.send_headers(stream, [*headers, ("content-length", str(len(body)))])
        tls.sendall(connection.data_to_send())
        status, answer, left, ended = 0, b"", memoryview(body), False
        while not ended:
            if left and not status:  # what the server allows now, before the client spends it
                flow.largest_window = max(flow.largest_window, connection.local_flow_control_window(stream))
            size = min(connection.local_flow_control_window(stream), connection.max_outbound_frame_size, len(left))
            if left and size > 0 and not status:
                flow.sent.append((time.monotonic() - began, size))
                connection.send_data(stream, left[:size].tobytes(), end_stream=size == len(left))
                left = left[size:]
                tls.sendall(connection.data_to_send())
            if left and size > 0 and not status and not _readable(tls):
                continue  # more to send, and nothing from the server yet
            data = tls.recv(65_536)
            if not data:
                raise ConnectionError(f"{origin.authority}: the server closed before its answer")
            for event in connection.receive_data(data):
                at = time.monotonic() - began
                match event:
                    case h2.events.RemoteSettingsChanged():
                        settings = event.changed_settings
                        if h2.settings.SettingCodes.INITIAL_WINDOW_SIZE in settings:
                            flow.initial_window = settings[h2.settings.SettingCodes.INITIAL_WINDOW_SIZE].new_value
                        if h2.settings.SettingCodes.MAX_FRAME_SIZE in settings:
                            flow.max_frame_size = settings[h2.settings.SettingCodes.MAX_FRAME_SIZE].new_value
                    case h2.events.WindowUpdated():
                        flow.updates.append(WindowUpdate(at, event.stream_id, event.delta, len(body) - len(left)))
                    case h2.events.ResponseReceived() if event.stream_id == stream:
                        status = int(dict(event.headers)[":status"])
                    case h2.events.DataReceived() if event.stream_id == stream:
                        answer += event.data
                        connection.acknowledge_received_data(event.flow_controlled_length, stream)
                    case h2.events.StreamEnded() | h2.events.StreamReset() if event.stream_id == stream:
                        ended = True
                    case h2.events.ConnectionTerminated():
                        raise ConnectionError(f"{origin.authority}: GOAWAY ({event.error_code!r}) before the answer")
            tls.sendall(connection.data_to_send())
    return Uploaded("h2", status, _answer(status, answer), handshaken - began, time.monotonic() - began, flow)


def _readable(tls) -> bool:
    return bool(tls.pending()) or bool(select.select([tls], [], [], 0)[0])


async def _http3(origin: Origin, body: bytes, ca_file: str, qlog_dir: str | None) -> Uploaded:
    configuration = http3.client_configuration(
        ca_file, origin.server_name, quic_logger=QuicFileLogger(qlog_dir) if qlog_dir else None
    )
    began = time.monotonic()
    async with connect(origin.dial_host, origin.port, configuration=configuration, create_protocol=H3Client) as client:
        handshaken = time.monotonic()
        flow = QuicFlowControl(client._quic._remote_max_stream_data_bidi_remote, client._quic._remote_max_data)
        response = await client.request(origin.authority, PATH, method="POST", body=body)
        seconds = time.monotonic() - began  # at the answer's end, as over TCP: not the QUIC close after it
    return Uploaded("h3", response.status, _answer(response.status, response.body), handshaken - began, seconds, flow)
