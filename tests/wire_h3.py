"""HTTP/3 on the wire: one QUIC connection (aioquic), verified against the lab's CA.

    make h3 URL=https://localhost:8444/     what one GET over HTTP/3 brings back
"""

import asyncio
import sys
from urllib.parse import urlsplit
from dataclasses import dataclass, field

from aioquic.asyncio.client import connect
from aioquic.asyncio.protocol import QuicConnectionProtocol
from aioquic.h3.connection import H3_ALPN, H3Connection
from aioquic.h3.events import DataReceived, H3Event, HeadersReceived
from aioquic.quic.configuration import QuicConfiguration
from aioquic.quic.events import QuicEvent

from lab import CA_FILE

TIMEOUT = 10.0


@dataclass
class H3Response:
    status: int = 0
    informational: list[int] = field(default_factory=list)  # 1xx statuses, in order
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


class _H3Client(QuicConnectionProtocol):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._http = H3Connection(self._quic)
        self._responses: dict[int, H3Response] = {}
        self._done: dict[int, asyncio.Future[H3Response]] = {}

    async def get(self, authority: str, path: str) -> H3Response:
        stream_id = self._quic.get_next_available_stream_id()
        self._responses[stream_id] = H3Response()
        self._done[stream_id] = asyncio.get_running_loop().create_future()
        request = [(b":method", b"GET"), (b":scheme", b"https"), (b":authority", authority.encode()), (b":path", path.encode())]
        self._http.send_headers(stream_id, request, end_stream=True)
        self.transmit()
        return await asyncio.wait_for(self._done[stream_id], TIMEOUT)

    def quic_event_received(self, event: QuicEvent) -> None:
        for http_event in self._http.handle_event(event):
            self._record(http_event)

    def _record(self, event: H3Event) -> None:
        if getattr(event, "push_id", None) is not None or event.stream_id not in self._responses:
            return  # pushed streams: not what these probes look at over HTTP/3
        response = self._responses[event.stream_id]
        if isinstance(event, HeadersReceived):
            headers = [(name.decode(), value.decode()) for name, value in event.headers]
            status = int(dict(headers)[":status"])
            if 100 <= status < 200:
                response.informational.append(status)
            else:
                response.status, response.headers = status, headers
        elif isinstance(event, DataReceived):
            response.body += event.data
        if event.stream_ended and not self._done[event.stream_id].done():
            self._done[event.stream_id].set_result(response)


async def _get_all(host: str, port: int, paths: list[str]) -> dict[str, H3Response]:
    configuration = QuicConfiguration(is_client=True, alpn_protocols=H3_ALPN, cafile=str(CA_FILE))
    async with connect(host, port, configuration=configuration, create_protocol=_H3Client) as client:
        responses = await asyncio.gather(*(client.get(f"{host}:{port}", path) for path in paths))
    return dict(zip(paths, responses))


def h3_get_all(host: str, port: int, paths: list[str]) -> dict[str, H3Response]:
    """GET every path over one HTTP/3 connection to host's UDP port."""
    return asyncio.run(asyncio.wait_for(_get_all(host, port, paths), TIMEOUT * 2))


def main(url: str) -> None:
    parts = urlsplit(url)
    response = h3_get_all(parts.hostname, parts.port or 443, [parts.path or "/"])[parts.path or "/"]
    for status in response.informational:
        print(f"HTTP/3 {status} (informational)")
    print(f"HTTP/3 {response.status}")
    for name, value in response.headers:
        if not name.startswith(":"):
            print(f"{name}: {value}")
    print(f"\n[{len(response.body)} bytes of body]")


if __name__ == "__main__":
    main(sys.argv[1])
