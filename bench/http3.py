"""HTTP/3 page loads: one QUIC connection (aioquic), every request a QUIC stream."""

import asyncio
import contextlib
from collections import Counter

from aioquic.asyncio.client import connect
from aioquic.asyncio.protocol import QuicConnectionProtocol
from aioquic.h3.connection import H3_ALPN, H3Connection
from aioquic.h3.events import DataReceived, HeadersReceived
from aioquic.quic.configuration import QuicConfiguration

from bench.pageload import Origin, PageLoad, Stopwatch
from website.links import linked_assets

TIMEOUT = 30.0
MAX_OPEN_STREAMS = 100  # servers here allow 100 or more concurrent streams


class _NoPushH3(H3Connection):
    """Like browsers: no MAX_PUSH_ID, so the server may push nothing."""

    def _init_connection(self) -> None:
        self._max_push_id = None
        super()._init_connection()


class _CountingTransport:
    def __init__(self, transport: asyncio.DatagramTransport, counts: list[int]) -> None:
        self._transport, self._counts = transport, counts

    def sendto(self, data: bytes, address=None) -> None:
        self._counts[1] += len(data)
        self._transport.sendto(data, address)

    def __getattr__(self, name: str):
        return getattr(self._transport, name)


class _Client(QuicConnectionProtocol):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.counts = [0, 0]  # UDP payload bytes in, out
        self._http = _NoPushH3(self._quic)
        self._bodies: dict[int, bytes] = {}
        self._statuses: dict[int, int] = {}
        self._done: dict[int, asyncio.Future] = {}

    @property
    def stream_limit(self) -> int:
        return self._quic._remote_max_streams_bidi  # what the server's transport parameters allow

    def connection_made(self, transport) -> None:
        super().connection_made(_CountingTransport(transport, self.counts))

    def datagram_received(self, data, address) -> None:
        self.counts[0] += len(data)
        super().datagram_received(data, address)

    async def get(self, authority: str, path: str) -> bytes:
        stream_id = self._quic.get_next_available_stream_id()
        self._bodies[stream_id] = b""
        self._done[stream_id] = asyncio.get_running_loop().create_future()
        self._http.send_headers(stream_id, [(b":method", b"GET"), (b":scheme", b"https"), (b":authority", authority.encode()), (b":path", path.encode())], end_stream=True)
        self.transmit()
        await asyncio.wait_for(self._done[stream_id], TIMEOUT)
        del self._done[stream_id]
        status, body = self._statuses.pop(stream_id, 0), self._bodies.pop(stream_id)
        if status != 200:
            raise ConnectionError(f"GET {path}: HTTP/3 {status}")
        return body

    def quic_event_received(self, event) -> None:
        for http_event in self._http.handle_event(event):
            stream_id = getattr(http_event, "stream_id", None)
            if stream_id not in self._done:
                continue
            if isinstance(http_event, HeadersReceived):
                status = int(dict(http_event.headers)[b":status"])
                if status >= 200:  # not a 103
                    self._statuses[stream_id] = status
            elif isinstance(http_event, DataReceived):
                self._bodies[stream_id] += http_event.data
            if http_event.stream_ended and not self._done[stream_id].done():
                self._done[stream_id].set_result(None)


class Http3Loader:
    protocol = "h3"

    def __init__(self, origin: Origin, ca_file: str) -> None:
        self._origin = origin
        self._configuration = QuicConfiguration(is_client=True, alpn_protocols=H3_ALPN, cafile=ca_file, server_name=origin.server_name)
        self._stack = contextlib.AsyncExitStack()
        self._client: _Client | None = None
        self.opened = 0

    def wire_bytes(self) -> tuple[int, int]:
        return tuple(self._client.counts) if self._client else (0, 0)

    async def load(self, page: str) -> PageLoad:
        watch = Stopwatch(self)
        if self._client is None:
            self._client = await self._stack.enter_async_context(
                connect(self._origin.dial_host, self._origin.port, configuration=self._configuration, create_protocol=_Client)
            )
            self.opened += 1
        fetched: Counter = Counter()
        html = await self._client.get(self._origin.authority, page)
        fetched[page] += 1
        limit = asyncio.Semaphore(MAX_OPEN_STREAMS)

        async def fetch(path: str) -> None:
            async with limit:
                await self._client.get(self._origin.authority, path)
                fetched[path] += 1

        await asyncio.gather(*(fetch(path) for path in linked_assets(html)))
        return watch.result(fetched, streams_per_round=min(MAX_OPEN_STREAMS, self._client.stream_limit))

    async def close(self) -> None:
        await self._stack.aclose()
        self._client = None
