"""HTTP/2 by hand: one connection as a state machine on the h2 library, and nothing else.

    connection = Http2Connection("peer")
    wire = connection.start()          # our SETTINGS
    wire = connection.receive(data)    # the client's bytes in, ours out
    wire = connection.stop()           # GOAWAY: no new streams, the ones in flight finish

No sockets here (server.py moves the bytes, and keeps the clocks), no framework, no app:
every frame this server sends, or answers, has its reason beside it. h2 parses and writes
the frames, keeps the stream states and HPACK, and answers SETTINGS and PING itself; the
rest is ours: what each request gets, 103 Early Hints, push, flow control, the order the
responses go out in, the limits, and a graceful GOAWAY.
"""

from collections.abc import Callable

import h2.events
import h2.exceptions
import hpack.exceptions
import hyperframe.exceptions
from h2.config import H2Configuration
from h2.connection import H2Connection
from h2.errors import ErrorCodes
from h2.settings import SettingCodes, Settings
from hyperframe.frame import GoAwayFrame
from responses import Response, respond, takes_body, uploaded

from website import upload

MAX_CONCURRENT_STREAMS = 100  # a page of 120 tiles asks for them 100 at a time
MAX_HEADER_LIST_SIZE = 16_384  # bytes of request headers, decoded: an HPACK bomb stops here
# Streams a client may reset on one connection. A browser cancels at most a page's worth at
# once (120 here); thousands opened and cancelled is rapid reset (CVE-2023-44487).
MAX_RESETS = 500
# The window the client may fill with a request body before it hears from us, for each stream
# and for the connection: h2's default, the RFCs' 65,535, unless the server is told otherwise
# (server.py's second port raises it, for the upload bench).
DEFAULT_WINDOW = 65_535
# An upload's DATA counts as progress for server.py's idle clock once the connection's bodies
# have moved this much on since it last counted: a body that trickles in a byte at a time
# leaves the clock running, and the idle timeout drops it (a slow POST, "R.U.D.Y."), while the
# slowest honest upload here (slow4g's 94 KB/s) counts several times a second.
BODY_PROGRESS = 16_384


class Http2Connection:
    def __init__(self, peer: str, log: Callable[[str], None] = print, window: int = DEFAULT_WINDOW) -> None:
        self.peer, self.log, self.window = peer, log, window
        self.h2 = H2Connection(H2Configuration(client_side=False, header_encoding="utf-8"))
        self.sending: dict[int, memoryview] = {}  # stream -> the body bytes it still has to send
        self.uploads: dict[int, upload.Received] = {}  # stream -> the request body read so far
        self.resets = 0
        self.events = 0  # events the client's frames made so far: server.py's clock reads progress here
        self.body_moved = 0  # bytes of request body since an upload's DATA last counted as an event
        self.last_stream: int | None = None  # set once our GOAWAY is out: the last stream we serve
        self.broken = False  # a connection error: the GOAWAY is out, nothing more will be

    @property
    def done(self) -> bool:
        """Nothing more to do: the socket may close."""
        return self.broken or (self.last_stream is not None and not self.sending and not self.uploads)

    @property
    def idle(self) -> bool:
        """No response in flight (server.py's idle clock runs only then, or when it stalls)."""
        return not self.sending

    def start(self) -> bytes:
        # SETTINGS, our half of the connection preface (RFC 9113 3.4): how many streams the
        # client may open at once, and how large a header list may be. h2 sends it, and will
        # acknowledge the client's (SETTINGS with ACK) by itself.
        # (Settings made anew: h2 sends only the values in force, and update() would queue them
        # for a later SETTINGS frame.)
        settings = {
            SettingCodes.MAX_CONCURRENT_STREAMS: MAX_CONCURRENT_STREAMS,
            SettingCodes.MAX_HEADER_LIST_SIZE: MAX_HEADER_LIST_SIZE,
        }
        if self.window != DEFAULT_WINDOW:
            # A larger window: each new stream's, in SETTINGS; the connection's has no setting
            # (RFC 9113 6.9.2), it starts at 65,535 and only a WINDOW_UPDATE opens it further.
            settings[SettingCodes.INITIAL_WINDOW_SIZE] = self.window
        self.h2.local_settings = Settings(client=False, initial_values=settings)
        self.h2.initiate_connection()
        if self.window > DEFAULT_WINDOW:
            self.h2.increment_flow_control_window(self.window - DEFAULT_WINDOW)
        return self.h2.data_to_send()

    def receive(self, data: bytes) -> bytes:
        """The client's bytes; what to send back."""
        try:
            events = self.h2.receive_data(data)
        except h2.exceptions.ProtocolError as error:
            # A connection error (a malformed frame, a broken HPACK block, a bad preface): h2
            # has queued the GOAWAY that names it (RFC 9113 5.4.1). It is our last word.
            self.broken = True
            self.log(f"{self.peer} connection error: {type(error).__name__}: {error} ({error.__cause__})")
            return self.goaway_corrected(self.h2.data_to_send(), error)
        self.events += sum(not isinstance(event, h2.events.DataReceived) for event in events)
        for event in events:
            if self.broken:  # a GOAWAY of ours went out in this read: the rest goes unanswered
                break
            HANDLERS.get(type(event), ignore)(self, event)
        return self.flush()

    def goaway_corrected(self, wire: bytes, error: h2.exceptions.ProtocolError) -> bytes:
        """h2 names two connection errors PROTOCOL_ERROR where the RFCs name another code: a
        broken HPACK block is a COMPRESSION_ERROR (RFC 9113 4.3, RFC 7541), and a SETTINGS
        acknowledgement with a payload a FRAME_SIZE_ERROR (RFC 9113 6.5). Its GOAWAY is the
        last 17 bytes it queued (no debug data); this one says the same with the right code."""
        code = rfc_code(error.__cause__)
        goaway = GoAwayFrame(0, last_stream_id=self.h2.highest_inbound_stream_id, error_code=code or 0).serialize()
        if code is None or wire[-len(goaway) + 3] != goaway[3]:  # not one of those, or not h2's GOAWAY last
            return wire
        return wire[: -len(goaway)] + goaway

    def stop(self) -> bytes:
        """GOAWAY, NO_ERROR: the streams opened so far are served, no new one will be
        (RFC 9113 6.8). h2 would close its whole state machine on sending one, and refuse
        to send the rest of the responses, so this one is written by hand."""
        if self.last_stream is not None or self.broken:
            return b""
        self.last_stream = self.h2.highest_inbound_stream_id
        goaway = GoAwayFrame(0, last_stream_id=self.last_stream, error_code=ErrorCodes.NO_ERROR)
        return self.h2.data_to_send() + goaway.serialize()

    def calm_down(self) -> None:
        """Rapid reset (or a client that will not stop resetting): GOAWAY, ENHANCE_YOUR_CALM."""
        self.h2.close_connection(ErrorCodes.ENHANCE_YOUR_CALM, last_stream_id=self.h2.highest_inbound_stream_id)
        self.broken = True
        self.sending.clear()
        self.uploads.clear()

    # --- each event the client's frames make, in its own function ---------------------------

    def open(self, stream: int) -> bool:
        """Whether the stream can still take what we send: the client may have reset it, or h2
        have reset it for an error of the client's (a window past 2^31-1), in this very read."""
        return stream in self.h2.streams and not self.h2.streams[stream].closed

    def request_received(self, event: h2.events.RequestReceived) -> None:
        stream = event.stream_id
        if not self.open(stream):
            return  # reset in the same read (h2 reads all of it before we see the request)
        if self.last_stream is not None and stream > self.last_stream:
            # After our GOAWAY: a stream we said we would not serve (RFC 9113 6.8).
            self.h2.reset_stream(stream, ErrorCodes.REFUSED_STREAM)
            return
        headers = dict(event.headers)
        method, path = headers.get(":method", ""), headers.get(":path", "")
        if takes_body(method, path) and not event.stream_ended:
            self.upload_started(stream, headers)
            return
        response = (
            uploaded(upload.Received(), "HTTP/2") if takes_body(method, path) else respond(method, path, "HTTP/2")
        )
        self.answer(stream, headers, response)
        self.log(f'{self.peer} "{method} {path} HTTP/2" {response.status} {len(response.body)}')

    def answer(self, stream: int, request: dict[str, str], response: Response) -> None:
        if response.early_hints:
            # HEADERS with :status 103: preload these, before the page is ready (RFC 8297).
            links = [("link", link) for link in response.early_hints]
            self.h2.send_headers(stream, [(":status", "103"), *links])
        if response.pushed and self.h2.remote_settings.enable_push:
            # PUSH_PROMISE for each asset: only when the client's SETTINGS_ENABLE_PUSH allows
            # it (browsers now send 0), and before the page's DATA that names them (RFC 9113 8.4).
            for path in response.pushed:
                self.push(stream, request, path)
        self.send_response(stream, response)

    def push(self, stream: int, request: dict[str, str], path: str) -> None:
        promised = self.h2.get_next_available_stream_id()
        promised_request = [
            (":method", "GET"),
            (":scheme", "https"),
            (":authority", request.get(":authority", "")),
            (":path", path),
        ]
        self.h2.push_stream(stream, promised, promised_request)
        self.send_response(promised, respond("GET", path, "HTTP/2"))

    def send_response(self, stream: int, response: Response) -> None:
        # HEADERS: the response's status and fields; it ends the stream when there is no body.
        status = [(":status", str(response.status))]
        self.h2.send_headers(stream, status + response.headers, end_stream=not response.body)
        if response.body:
            self.sending[stream] = memoryview(response.body)

    def upload_started(self, stream: int, request: dict[str, str]) -> None:
        """POST /upload: its answer waits for the end of its body, unless its content-length is
        already over the limit."""
        if upload.declared_too_large(request.get("content-length")):
            self.upload_refused(stream)
        else:
            self.uploads[stream] = upload.Received()

    def upload_refused(self, stream: int) -> None:
        # The whole response (413), then RST_STREAM NO_ERROR: "stop sending the request, its
        # answer is complete" (RFC 9113 8.1), so no more of the body crosses the network.
        self.uploads.pop(stream, None)
        self.send_response(stream, uploaded(None, "HTTP/2"))
        self.flush_stream(stream)
        if self.open(stream):
            self.h2.reset_stream(stream, ErrorCodes.NO_ERROR)
        self.log(f'{self.peer} "POST {upload.PATH} HTTP/2" 413')

    def flush_stream(self, stream: int) -> None:
        while stream in self.sending and self.send_some(stream):
            pass

    def stream_ended(self, event: h2.events.StreamEnded) -> None:
        # END_STREAM on an upload: the body is complete, and its answer goes out.
        received = self.uploads.pop(event.stream_id, None)
        if received is not None and self.open(event.stream_id):
            response = uploaded(received, "HTTP/2")
            self.send_response(event.stream_id, response)
            self.log(f'{self.peer} "POST {upload.PATH} HTTP/2" {response.status} {received.length}')

    def data_received(self, event: h2.events.DataReceived) -> None:
        # An upload's DATA is counted and hashed as it comes (over the limit: refused).
        # WINDOW_UPDATE: what is read is given back, for the stream and the connection (RFC 9113
        # 6.9); h2 sends it once half a window is read (32 KiB of its default 65,535: one window
        # a round trip is an upload's speed limit); for the connection alone when the stream
        # has closed meanwhile. A GET's body is read and dropped.
        received = self.uploads.get(event.stream_id)
        self.body_moved += event.flow_controlled_length
        if self.body_moved >= BODY_PROGRESS:
            self.events, self.body_moved = self.events + 1, 0
        if received is not None and not received.add(event.data):
            self.upload_refused(event.stream_id)
        if self.open(event.stream_id):
            self.h2.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        elif event.flow_controlled_length:
            self.h2.increment_flow_control_window(event.flow_controlled_length)

    def stream_reset(self, event: h2.events.StreamReset) -> None:
        # RST_STREAM from the client: stop sending on it (or reading its upload). Too many,
        # and the connection goes.
        self.sending.pop(event.stream_id, None)
        self.uploads.pop(event.stream_id, None)
        self.resets += 1
        if self.resets > MAX_RESETS:
            self.log(f"{self.peer} reset {self.resets} streams: GOAWAY ENHANCE_YOUR_CALM")
            self.calm_down()

    def connection_terminated(self, event: h2.events.ConnectionTerminated) -> None:
        # The client's GOAWAY: it is leaving (a browser closing an idle connection, or an error
        # of ours it names). h2 closes its state machine on it, so nothing more can be sent.
        if event.error_code != ErrorCodes.NO_ERROR:
            self.log(f"{self.peer} GOAWAY from the client: {event.error_code!r}")
        self.broken = True
        self.sending.clear()
        self.uploads.clear()

    # --- sending, within the windows ---------------------------------------------------------

    def flush(self) -> bytes:
        """DATA, as much as the flow-control windows allow (RFC 9113 6.9.1), one frame per stream
        in turn: every response in flight moves at once (no priorities: RFC 9113 5.3.2 lets a
        server ignore them, and so has no priority tree to get wrong). What does not fit waits
        for the client's WINDOW_UPDATE, after which receive() comes back here."""
        if not self.broken:
            while any([self.send_some(stream) for stream in list(self.sending)]):
                pass
        return self.h2.data_to_send()

    def send_some(self, stream: int) -> bool:
        """One DATA frame of the stream's body, as large as its window, the connection's and the
        client's largest frame allow; the last ends the stream. False when it cannot move now."""
        left = self.sending[stream]
        try:
            size = min(self.h2.local_flow_control_window(stream), self.h2.max_outbound_frame_size, len(left))
            if size <= 0:
                return False
            self.h2.send_data(stream, left[:size].tobytes(), end_stream=size == len(left))
        except h2.exceptions.StreamClosedError:  # closed under us (reset): nothing more to send
            del self.sending[stream]
            return False
        if size == len(left):
            del self.sending[stream]
        else:
            self.sending[stream] = left[size:]
        return True


def rfc_code(cause: BaseException | None) -> ErrorCodes | None:
    """The code the RFCs give the error h2 reports as PROTOCOL_ERROR, where it is another."""
    if isinstance(cause, hpack.exceptions.HPACKError) and not isinstance(
        cause,
        hpack.exceptions.OversizedHeaderListError,  # too many headers: not a decoding error
    ):
        return ErrorCodes.COMPRESSION_ERROR
    if isinstance(cause, hyperframe.exceptions.InvalidDataError) and "SETTINGS ack" in str(cause):
        return ErrorCodes.FRAME_SIZE_ERROR
    return None


def ignore(connection: Http2Connection, event: h2.events.Event) -> None:
    """Events that need nothing of ours: SETTINGS and PING (h2 has acknowledged them),
    WINDOW_UPDATE (flush() uses the new window), and priorities (ignored: above)."""


HANDLERS: dict[type, Callable] = {
    h2.events.RequestReceived: Http2Connection.request_received,
    h2.events.DataReceived: Http2Connection.data_received,
    h2.events.StreamReset: Http2Connection.stream_reset,
    h2.events.StreamEnded: Http2Connection.stream_ended,
    h2.events.ConnectionTerminated: Http2Connection.connection_terminated,
}
