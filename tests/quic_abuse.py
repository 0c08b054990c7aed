"""What HTTP/3 clients do that servers must survive, on real QUIC connections (aioquic, the
chain verified against the lab's CA): a body after the response, responses reset half way.

Shared by the hardening suite (which attacks) and the faults (which kill HTTP/3 on purpose).
"""

import asyncio
from contextlib import asynccontextmanager

from aioquic.asyncio.client import connect
from aioquic.asyncio.protocol import QuicConnectionProtocol
from aioquic.h3.connection import H3_ALPN, H3Connection
from aioquic.h3.events import DataReceived, HeadersReceived
from aioquic.quic.configuration import QuicConfiguration

from lab import CA_FILE, Endpoint

H3_REQUEST_CANCELLED = 0x10C  # RFC 9114 8.1: what a browser resets a response it no longer wants with
PATIENCE = 5.0  # seconds for a response on loopback (they take milliseconds)
ANSWER_FIRST = 1.0  # seconds for an answer to a request whose body has not come (nginx waits for it)
LARGEST_ASSET = "/static/css/bootstrap.min.css"  # 220 KB: many packets, so a reset lands half way
# DATA (type 0x00), 1 byte long: a request body's frame (RFC 9114 7.2.1)
ONE_BYTE_DATA_FRAME = b"\x00\x01x"


class _Requests(QuicConnectionProtocol):
    """Requests on one QUIC connection; each one's response read to its end, or reset half way."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._http = H3Connection(self._quic)
        self._ended: dict[int, asyncio.Future] = {}
        self._reset_on_data: set[int] = set()

    def request(self, endpoint: Endpoint, path: str, *, end_stream: bool = True, reset_half_way: bool = False):
        stream_id = self._quic.get_next_available_stream_id()
        self._ended[stream_id] = asyncio.get_running_loop().create_future()
        if reset_half_way:
            self._reset_on_data.add(stream_id)
        headers = [(b":method", b"GET"), (b":scheme", b"https"), (b":path", path.encode())]
        headers.insert(2, (b":authority", f"{endpoint.host}:{endpoint.port}".encode()))
        self._http.send_headers(stream_id, headers, end_stream=end_stream)
        self.transmit()
        return stream_id, self._ended[stream_id]

    def send_raw(self, stream_id: int, data: bytes, *, end_stream: bool) -> None:
        self._quic.send_stream_data(stream_id, data, end_stream=end_stream)
        self.transmit()

    def quic_event_received(self, event) -> None:
        for http_event in self._http.handle_event(event):
            if not isinstance(http_event, HeadersReceived | DataReceived) or http_event.stream_id not in self._ended:
                continue
            stream_id, ended = http_event.stream_id, self._ended[http_event.stream_id]
            if stream_id in self._reset_on_data and isinstance(http_event, DataReceived):
                self._quic.reset_stream(stream_id, H3_REQUEST_CANCELLED)  # our side of the stream
                self._quic.stop_stream(stream_id, H3_REQUEST_CANCELLED)  # and theirs: send no more
                self.transmit()
                self._reset_on_data.discard(stream_id)
                ended.done() or ended.set_result("reset")
            elif http_event.stream_ended:
                ended.done() or ended.set_result("ended")


@asynccontextmanager
async def _connection(endpoint: Endpoint):
    configuration = QuicConfiguration(
        is_client=True, alpn_protocols=H3_ALPN, cafile=str(CA_FILE), server_name=endpoint.host
    )
    async with connect(endpoint.host, endpoint.port, configuration=configuration, create_protocol=_Requests) as client:
        yield client


async def _body_after_the_response(endpoint: Endpoint) -> str:
    async with _connection(endpoint) as client:
        left_open, response = client.request(endpoint, "/healthz", end_stream=False)
        done, _ = await asyncio.wait([response], timeout=ANSWER_FIRST)
        # One more request answered whole: by then the server has finished with the first one.
        await asyncio.wait_for(client.request(endpoint, "/healthz")[1], PATIENCE)
        client.send_raw(left_open, ONE_BYTE_DATA_FRAME, end_stream=True)
        try:  # ...and one more, so the late DATA has been read before the connection closes
            await asyncio.wait_for(client.request(endpoint, "/healthz")[1], PATIENCE)
        except TimeoutError:
            return f"no answer within {PATIENCE:.0f} s to the request after the body"
        if not done:
            await asyncio.wait_for(response, PATIENCE)
            return "it waited for the body, then answered (the body was not late)"
        return "answered the request after the body"


def body_after_the_response(endpoint: Endpoint) -> str:
    """GET /healthz with the request stream left open; once it is answered, a 1-byte body on it,
    then one more request: what became of it. RFC 9114 4.1: a server may answer before the
    request is complete (nginx waits for it), and the client may then still send. Hypercorn 0.18
    looks the stream up after it has dropped it: a KeyError ends its whole UDP loop, silently
    (docs/hardening.md)."""
    return asyncio.run(_body_after_the_response(endpoint))


async def _resets_half_way(endpoint: Endpoint, count: int, per_connection: int) -> list[str]:
    outcomes = []
    for first in range(0, count, per_connection):
        async with _connection(endpoint) as client:
            responses = [
                client.request(endpoint, LARGEST_ASSET, reset_half_way=True)[1]
                for _ in range(min(per_connection, count - first))
            ]
            outcomes += await asyncio.wait_for(asyncio.gather(*responses), PATIENCE * 2)
    return outcomes


def resets_half_way(endpoint: Endpoint, count: int, per_connection: int = 50) -> list[str]:
    """GET the largest asset `count` times, `per_connection` at once on a connection, each reset
    (RESET_STREAM and STOP_SENDING, H3_REQUEST_CANCELLED) on its first DATA, as a browser leaving
    a page does. Each outcome: "reset", or "ended" when the response was whole before any DATA."""
    return asyncio.run(_resets_half_way(endpoint, count, per_connection))


async def _answers(endpoint: Endpoint, patience: float) -> str:
    async with _connection(endpoint) as client:
        return await asyncio.wait_for(client.request(endpoint, "/healthz")[1], patience)


def http3_answers(endpoint: Endpoint, patience: float = PATIENCE) -> str:
    """'ended' when GET /healthz over a new QUIC connection is answered within `patience` seconds,
    else what went wrong."""
    try:
        return asyncio.run(asyncio.wait_for(_answers(endpoint, patience), patience))
    except (OSError, TimeoutError, ConnectionError) as error:
        return f"no answer: {type(error).__name__} {error}".strip()
