"""HTTP/2 page loads: one connection, every asset request multiplexed on it."""

from collections import Counter, deque

import h2.config
import h2.connection
import h2.events
import h2.settings

from bench.pageload import Origin, PageLoad, Stopwatch
from bench.wire import CountingTLS, client_context
from website.links import linked_assets

# Flow-control windows as large as a browser's (Chrome: 6 MiB a stream, 15 MiB
# the connection), so that no load waits on WINDOW_UPDATE round trips.
STREAM_WINDOW = 6 * 2**20
CONNECTION_WINDOW = 15 * 2**20
# Streams in flight before the server's SETTINGS say how many it allows: RFC 9113
# recommends servers allow at least 100, and browsers assume that much.
ASSUMED_STREAM_LIMIT = 100


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
        self._http = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self._http.local_settings = h2.settings.Settings(client=True, initial_values={
            h2.settings.SettingCodes.ENABLE_PUSH: int(self._accept_push),
            h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: STREAM_WINDOW,
        })
        self._http.initiate_connection()
        self._http.increment_flow_control_window(CONNECTION_WINDOW - 65535)
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
                http.send_headers(stream_id, [(":method", "GET"), (":scheme", "https"), (":authority", self._origin.authority), (":path", path)], end_stream=True)
                streams[stream_id], bodies[stream_id] = path, b""
            await self._tls.send(http.data_to_send())
            if not streams:
                continue
            data = await self._tls.recv()
            if not data:
                if self._last_stream_id is None:
                    raise ConnectionError(f"{self._origin.authority}: connection closed mid-load, with no GOAWAY")
                # Closed after its GOAWAY with streams still open (Hypercorn 0.18 does this once
                # it reaches keep_alive_max_requests): ask again on a new connection, as browsers do.
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
                            waiting.extend(asset for asset in linked_assets(bodies[event.stream_id]) if asset not in pushed)
                        del bodies[event.stream_id]
                    case h2.events.ConnectionTerminated() if event.error_code == 0:
                        self._retire_streams_above(event.last_stream_id, streams, bodies, waiting)
                        # h2 4.4 closes its state machine on any GOAWAY, though RFC 9113 6.8
                        # lets the streams up to last_stream_id finish: keep receiving them.
                        http.state_machine.state = h2.connection.ConnectionState.CLIENT_OPEN
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
