"""HTTP/2 with the h2 library: one request frame by frame (the probes), and page
loads with every asset multiplexed on one connection (the bench)."""

import ssl
from collections import Counter, deque
from dataclasses import dataclass, field

import h2.config
import h2.connection
import h2.events
import h2.settings

from clients.events import Origin, PageLoad, Stopwatch
from clients.links import linked_assets
from clients.tls import CountingTLS, client_context, open_tls

# Flow-control windows as large as a browser's (Chrome: 6 MiB a stream, 15 MiB
# the connection), so that no load waits on WINDOW_UPDATE round trips.
STREAM_WINDOW = 6 * 2**20
CONNECTION_WINDOW = 15 * 2**20
# Streams in flight before the server's SETTINGS say how many it allows: RFC 9113
# recommends servers allow at least 100, and browsers assume that much.
ASSUMED_STREAM_LIMIT = 100


class _GracefulConnection(h2.connection.H2Connection):
    """h2 4.4 closes its state machine on any GOAWAY, though RFC 9113 6.8 lets the streams
    up to last_stream_id finish: after a graceful one (NO_ERROR) this keeps receiving them,
    even frames that arrive in the same read as the GOAWAY itself."""

    def _receive_goaway_frame(self, frame):
        frames, events = super()._receive_goaway_frame(frame)
        if frame.error_code == 0:
            self.state_machine.state = h2.connection.ConnectionState.CLIENT_OPEN
        return frames, events


def new_connection(
    *, accept_push: bool, stream_window: int = STREAM_WINDOW, connection_window: int = CONNECTION_WINDOW
) -> h2.connection.H2Connection:
    """A client connection whose first SETTINGS say whether push is welcome; its preface is ready to send."""
    connection = _GracefulConnection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    connection.local_settings = h2.settings.Settings(
        client=True,
        initial_values={
            h2.settings.SettingCodes.ENABLE_PUSH: int(accept_push),
            h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: stream_window,
        },
    )
    connection.initiate_connection()
    if connection_window > 65535:
        connection.increment_flow_control_window(connection_window - 65535)
    return connection


def get_headers(authority: str, path: str) -> list[tuple[str, str]]:
    return [(":method", "GET"), (":scheme", "https"), (":authority", authority), (":path", path)]


@dataclass
class H2Response:
    headers: list[tuple[str, str]]  # as sent, pseudo-headers included
    body: bytes = b""

    @property
    def status(self) -> int:
        return int(self.values(":status")[0])

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key == name]


@dataclass
class H2Exchange:
    """One request over a fresh HTTP/2 connection, and all the server sent for it."""

    response: H2Response
    informational: list[H2Response] = field(default_factory=list)  # 1xx, e.g. 103
    promised_paths: list[str] = field(default_factory=list)  # PUSH_PROMISE :path, in order
    pushed: dict[str, H2Response] = field(default_factory=dict)  # by promised :path


def h2_get(
    host: str, port: int, path: str, *, ca_file: str, enable_push: bool, server_name: str | None = None
) -> H2Exchange:
    """GET path over a new HTTP/2 connection, announcing SETTINGS_ENABLE_PUSH.

    Collects the response, any informational responses and every pushed stream,
    and returns once the request and all promised streams have ended.
    """
    where = f"{host}:{port}"
    with open_tls(host, port, client_context(ca_file, ["h2"]), server_name=server_name) as tls:
        if tls.selected_alpn_protocol() != "h2":
            raise AssertionError(f"{where}: ALPN selected {tls.selected_alpn_protocol()!r}, not 'h2'")
        connection = new_connection(accept_push=enable_push)
        stream_id = connection.get_next_available_stream_id()
        connection.send_headers(stream_id, get_headers(f"{server_name or host}:{port}", path), end_stream=True)
        tls.sendall(connection.data_to_send())
        return _collect(tls, connection, stream_id, where)


def _collect(tls: ssl.SSLSocket, connection: h2.connection.H2Connection, stream_id: int, where: str) -> H2Exchange:
    responses: dict[int, H2Response] = {}
    informational: list[H2Response] = []
    promised_paths: dict[int, str] = {}
    open_streams = {stream_id}
    while open_streams:
        data = tls.recv(65536)
        if not data:
            raise AssertionError(f"{where}: connection closed with streams {sorted(open_streams)} still open")
        for event in connection.receive_data(data):
            match event:
                case h2.events.PushedStreamReceived():
                    promised_paths[event.pushed_stream_id] = dict(event.headers)[":path"]
                    open_streams.add(event.pushed_stream_id)
                case h2.events.InformationalResponseReceived() if event.stream_id == stream_id:
                    informational.append(H2Response(event.headers))
                case h2.events.ResponseReceived():
                    responses[event.stream_id] = H2Response(event.headers)
                case h2.events.DataReceived():
                    responses[event.stream_id].body += event.data
                    connection.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                case h2.events.StreamEnded() | h2.events.StreamReset():
                    open_streams.discard(event.stream_id)
                case h2.events.ConnectionTerminated():
                    raise AssertionError(f"{where}: GOAWAY ({event.error_code!r}) before the response ended")
        tls.sendall(connection.data_to_send())
    pushed = {path: responses[sid] for sid, path in promised_paths.items() if sid in responses}
    return H2Exchange(responses[stream_id], informational, list(promised_paths.values()), pushed)


class Http2Loader:
    def __init__(self, origin: Origin, ca_file: str, *, accept_push: bool) -> None:
        self.protocol = "h2+push" if accept_push else "h2"
        self._origin, self._accept_push = origin, accept_push
        self._context = client_context(ca_file, ["h2"])
        self._tls: CountingTLS | None = None
        self._http: h2.connection.H2Connection | None = None
        self._last_stream_id: int | None = None  # from the server's GOAWAY: no new streams here
        self._retired = (0, 0)  # wire bytes of connections closed before this one
        self.opened = 0

    def wire_bytes(self) -> tuple[int, int]:
        current = (self._tls.bytes_in, self._tls.bytes_out) if self._tls else (0, 0)
        return self._retired[0] + current[0], self._retired[1] + current[1]

    async def _connect(self) -> None:
        await self.close()
        self._tls = await CountingTLS.open(self._origin.address, self._origin.server_name, self._context)
        if self._tls.alpn != "h2":
            raise ConnectionError(f"{self._origin.authority}: ALPN gave {self._tls.alpn!r}, not h2")
        self.opened += 1
        self._last_stream_id = None
        self._settings_seen = False
        self._http = new_connection(accept_push=self._accept_push)
        await self._tls.send(self._http.data_to_send())

    def _usable(self) -> bool:
        return self._http is not None and self._last_stream_id is None

    async def load(self, page: str) -> PageLoad:
        watch = Stopwatch(self)
        if not self._usable():
            await self._connect()
        fetched: Counter = Counter()
        streams: dict[int, str] = {}  # open stream → its path, requested or pushed
        bodies: dict[int, bytes] = {}
        pushed: list[str] = []
        waiting: deque[str] = deque([page])

        while streams or waiting:
            if waiting and not streams and not self._usable():
                await self._connect()  # the server ended the last one with GOAWAY: as a browser would
            http = self._http
            limit = http.remote_settings.max_concurrent_streams if self._settings_seen else ASSUMED_STREAM_LIMIT
            while waiting and self._usable() and http.open_outbound_streams < limit:
                path = waiting.popleft()
                stream_id = http.get_next_available_stream_id()
                http.send_headers(stream_id, get_headers(self._origin.authority, path), end_stream=True)
                streams[stream_id], bodies[stream_id] = path, b""
            await self._tls.send(http.data_to_send())
            if not streams:
                continue
            data = await self._tls.recv()
            if not data:
                if self._last_stream_id is None:
                    raise ConnectionError(f"{self._origin.authority}: connection closed mid-load, with no GOAWAY")
                # Closed after its GOAWAY with streams still open (a stock Hypercorn 0.18 at its
                # keep_alive_max_requests, even streams its GOAWAY claimed: docs/hardening.md): ask
                # again on a new connection. Firefox does not for the claimed ones: it loses them.
                waiting.extendleft(streams.values())
                streams.clear()
                bodies.clear()
                continue
            for event in http.receive_data(data):
                match event:
                    case h2.events.RemoteSettingsChanged():
                        self._settings_seen = True
                    case h2.events.PushedStreamReceived():
                        path = dict(event.headers)[":path"]
                        streams[event.pushed_stream_id], bodies[event.pushed_stream_id] = path, b""
                        pushed.append(path)
                    case h2.events.ResponseReceived():
                        status = dict(event.headers)[":status"]
                        if status != "200":
                            raise ConnectionError(f"GET {streams[event.stream_id]}: HTTP/2 {status}")
                    case h2.events.DataReceived():
                        bodies[event.stream_id] += event.data
                        http.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                    case h2.events.StreamEnded():
                        path = streams.pop(event.stream_id)
                        fetched[path] += 1
                        if path == page:
                            waiting.extend(
                                asset for asset in linked_assets(bodies[event.stream_id]) if asset not in pushed
                            )
                        del bodies[event.stream_id]
                    case h2.events.ConnectionTerminated() if event.error_code == 0:
                        self._retire_streams_above(event.last_stream_id, streams, bodies, waiting)
                    case h2.events.StreamReset() | h2.events.ConnectionTerminated():
                        raise ConnectionError(f"{self._origin.authority}: {event}")
        return watch.result(fetched, pushed, self._http.remote_settings.max_concurrent_streams)

    def _retire_streams_above(self, last_stream_id: int, streams: dict, bodies: dict, waiting: deque) -> None:
        """A graceful GOAWAY: requests above last_stream_id go to the next connection."""
        self._last_stream_id = last_stream_id
        for stream_id in [s for s in streams if s % 2 == 1 and s > last_stream_id]:
            waiting.appendleft(streams.pop(stream_id))
            del bodies[stream_id]

    async def close(self) -> None:
        if self._tls:
            self._retired = self.wire_bytes()
            self._tls.close()
        self._tls = self._http = None
