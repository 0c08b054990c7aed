"""HTTP/3 on one QUIC connection (aioquic): GETs for the probes and `make h3`, and page loads.

python3 -m clients.http3 URL [CA_FILE]     what one GET over HTTP/3 brings back (make h3)
"""

import asyncio
import contextlib
import sys
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from aioquic.asyncio.client import connect
from aioquic.asyncio.protocol import QuicConnectionProtocol
from aioquic.h3.connection import H3_ALPN, H3Connection
from aioquic.h3.events import DataReceived, HeadersReceived
from aioquic.quic.configuration import QuicConfiguration
from aioquic.quic.events import ConnectionTerminated

from clients.events import Origin, PageLoad, Stopwatch
from clients.links import linked_assets

TIMEOUT = 30.0
MAX_OPEN_STREAMS = 100  # servers here allow 100 or more concurrent streams


def client_configuration(ca_file: str, server_name: str | None = None, **more) -> QuicConfiguration:
    """A QUIC client's settings for HTTP/3: ALPN h3, the server's chain verified against `ca_file`."""
    return QuicConfiguration(is_client=True, alpn_protocols=H3_ALPN, cafile=ca_file, server_name=server_name, **more)


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


@dataclass
class H3Response:
    status: int = 0
    informational: list[int] = field(default_factory=list)  # 1xx statuses (103), in order
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    ended_at: float = 0.0  # the event loop's clock when its last byte came


class H3Client(QuicConnectionProtocol):
    """GETs over one QUIC connection, counting the UDP bytes both ways."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.counts = [0, 0]  # UDP payload bytes in, out
        self._http = _NoPushH3(self._quic)
        self._responses: dict[int, H3Response] = {}
        self._done: dict[int, asyncio.Future] = {}
        self.terminated = False

    @property
    def stream_limit(self) -> int:
        return self._quic._remote_max_streams_bidi  # what the server's transport parameters allow

    def connection_made(self, transport) -> None:
        super().connection_made(_CountingTransport(transport, self.counts))

    def datagram_received(self, data, address) -> None:
        self.counts[0] += len(data)
        super().datagram_received(data, address)

    async def get(self, authority: str, path: str) -> H3Response:
        return await self.request(authority, path)

    async def request(
        self, authority: str, path: str, *, method: str = "GET", body: bytes = b"", fields: tuple = ()
    ) -> H3Response:
        """One request, with more header `fields` if given (name, value: str); a body is handed
        to QUIC whole, which sends it as the server's flow control allows."""
        stream_id = self._quic.get_next_available_stream_id()
        self._responses[stream_id] = H3Response()
        self._done[stream_id] = asyncio.get_running_loop().create_future()
        headers = [(b":method", method.encode()), (b":scheme", b"https"), (b":authority", authority.encode())]
        headers.append((b":path", path.encode()))
        headers += [(name.encode(), value.encode()) for name, value in fields]
        if body:
            headers.append((b"content-length", str(len(body)).encode()))
        self._http.send_headers(stream_id, headers, end_stream=not body)
        if body:
            self._http.send_data(stream_id, body, end_stream=True)
        self.transmit()
        try:
            await asyncio.wait_for(self._done[stream_id], TIMEOUT if not body else None)
        finally:
            del self._done[stream_id]
        return self._responses.pop(stream_id)

    def quic_event_received(self, event) -> None:
        if isinstance(event, ConnectionTerminated):
            # e.g. nginx's "reached maximum number of requests": what is still open is lost
            self.terminated = True
            for done in self._done.values():
                if not done.done():
                    done.set_exception(ConnectionResetError(f"QUIC connection closed: {event.reason_phrase}"))
        for http_event in self._http.handle_event(event):
            stream_id = getattr(http_event, "stream_id", None)
            if stream_id not in self._done:
                continue
            response = self._responses[stream_id]
            if isinstance(http_event, HeadersReceived):
                headers = [(name.decode(), value.decode()) for name, value in http_event.headers]
                status = int(dict(headers)[":status"])
                if status < 200:
                    response.informational.append(status)
                else:
                    response.status, response.headers = status, headers
            elif isinstance(http_event, DataReceived):
                response.body += http_event.data
            if http_event.stream_ended and not self._done[stream_id].done():
                response.ended_at = asyncio.get_running_loop().time()
                self._done[stream_id].set_result(None)


async def _get_all(host: str, port: int, paths: list[str], configuration: QuicConfiguration) -> dict[str, H3Response]:
    limit = asyncio.Semaphore(MAX_OPEN_STREAMS)
    async with connect(host, port, configuration=configuration, create_protocol=H3Client) as client:

        async def get(path: str) -> H3Response:
            async with limit:
                return await client.get(f"{configuration.server_name or host}:{port}", path)

        responses = await asyncio.gather(*(get(path) for path in paths))
    return dict(zip(paths, responses, strict=True))


def h3_get_all(
    host: str, port: int, paths: list[str], *, ca_file: str, server_name: str | None = None
) -> dict[str, H3Response]:
    """GET every path over one new HTTP/3 connection to host's UDP port."""
    configuration = client_configuration(ca_file, server_name)
    return asyncio.run(asyncio.wait_for(_get_all(host, port, paths, configuration), TIMEOUT * 2))


class Http3Loader:
    protocol = "h3"

    def __init__(self, origin: Origin, ca_file: str) -> None:
        self._origin = origin
        self._configuration = client_configuration(ca_file, origin.server_name)
        self._connection: contextlib.AbstractAsyncContextManager | None = None
        self._client: H3Client | None = None
        self._reconnecting = asyncio.Lock()
        self._retired = (0, 0)  # wire bytes of connections closed before this one
        self.opened = 0

    def wire_bytes(self) -> tuple[int, int]:
        current = tuple(self._client.counts) if self._client else (0, 0)
        return self._retired[0] + current[0], self._retired[1] + current[1]

    async def _ready(self) -> H3Client:
        """The open connection, or a new one where there is none or the server closed it."""
        async with self._reconnecting:
            if self._client is None or self._client.terminated:
                await self.close()
                self._connection = connect(
                    self._origin.dial_host,
                    self._origin.port,
                    configuration=self._configuration,
                    create_protocol=H3Client,
                )
                self._client = await self._connection.__aenter__()
                self.opened += 1
            return self._client

    async def _get(self, path: str) -> bytes:
        try:
            response = await (await self._ready()).get(self._origin.authority, path)
        except ConnectionResetError:
            response = await (await self._ready()).get(self._origin.authority, path)  # once more, as browsers do
        if response.status != 200:
            raise ConnectionError(f"GET {path}: HTTP/3 {response.status}")
        return response.body

    async def load(self, page: str) -> PageLoad:
        watch = Stopwatch(self)
        fetched: Counter = Counter()
        html = await self._get(page)
        fetched[page] += 1
        limit = asyncio.Semaphore(MAX_OPEN_STREAMS)

        async def fetch(path: str) -> None:
            async with limit:
                await self._get(path)
                fetched[path] += 1

        await asyncio.gather(*(fetch(path) for path in linked_assets(html)))
        return watch.result(fetched, streams_per_round=min(MAX_OPEN_STREAMS, self._client.stream_limit))

    async def close(self) -> None:
        if self._connection is not None:
            self._retired = self.wire_bytes()
            await self._connection.__aexit__(None, None, None)
        self._connection = self._client = None


def main(url: str, ca_file: str) -> None:
    parts = urlsplit(url)
    path = parts.path or "/"
    response = h3_get_all(parts.hostname, parts.port or 443, [path], ca_file=ca_file)[path]
    for status in response.informational:
        print(f"HTTP/3 {status} (informational)")
    print(f"HTTP/3 {response.status}")
    for name, value in response.headers:
        if not name.startswith(":"):
            print(f"{name}: {value}")
    print(f"\n[{len(response.body)} bytes of body]")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "certs/ca.crt")
