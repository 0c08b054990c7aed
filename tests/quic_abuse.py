"""What HTTP/3 clients do that servers must survive, on real QUIC connections (aioquic, the
chain verified against the lab's CA): a body after the response, responses reset half way,
floods of new clients' Initials, connections held idle or half open; and a polite neighbour.

Shared by the hardening suite (which attacks) and the faults (which kill HTTP/3 on purpose).
"""

import asyncio
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager

from aioquic.asyncio.client import connect
from aioquic.asyncio.protocol import QuicConnectionProtocol
from aioquic.h3.connection import ErrorCode, H3Connection
from aioquic.h3.events import DataReceived, HeadersReceived
from aioquic.quic.events import ConnectionTerminated

from clients import quic_flood
from clients.http3 import client_configuration
from lab import CA_FILE, Endpoint

H3_REQUEST_CANCELLED = 0x10C  # RFC 9114 8.1: what a browser resets a response it no longer wants with
PATIENCE = 5.0  # seconds for a response on loopback (they take milliseconds)
NEIGHBOUR_PATIENCE = 15.0  # seconds the polite neighbour waits for each answer during an attack
ANSWER_FIRST = 1.0  # seconds for an answer to a request whose body has not come (nginx waits for it)
LARGEST_ASSET = "/static/css/bootstrap.min.css"  # 220 KB: many packets, so a reset lands half way
# DATA (type 0x00), 1 byte long: a request body's frame (RFC 9114 7.2.1)
ONE_BYTE_DATA_FRAME = b"\x00\x01x"


class _Requests(QuicConnectionProtocol):
    """Requests on one QUIC connection; each one's response read to its end (its status, "200"),
    or reset half way ("reset")."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._http = H3Connection(self._quic)
        self._ended: dict[int, asyncio.Future] = {}
        self._reset_on_data: set[int] = set()
        self._statuses: dict[int, str] = {}
        self.ended_by: ConnectionTerminated | None = None  # how the connection ended, once it has

    def request(self, endpoint: Endpoint, path: str, *, end_stream: bool = True, reset_half_way: bool = False):
        stream_id = self._quic.get_next_available_stream_id()
        self._ended[stream_id] = asyncio.get_running_loop().create_future()
        if reset_half_way:
            self._reset_on_data.add(stream_id)
        authority = f"{endpoint.host}:{endpoint.port}".encode()
        headers = [(b":method", b"GET"), (b":scheme", b"https"), (b":authority", authority), (b":path", path.encode())]
        self._http.send_headers(stream_id, headers, end_stream=end_stream)
        self.transmit()
        return stream_id, self._ended[stream_id]

    def send_raw(self, stream_id: int, data: bytes, *, end_stream: bool) -> None:
        self._quic.send_stream_data(stream_id, data, end_stream=end_stream)
        self.transmit()

    def quic_event_received(self, event) -> None:
        if isinstance(event, ConnectionTerminated):
            self.ended_by = event
        for http_event in self._http.handle_event(event):
            if not isinstance(http_event, HeadersReceived | DataReceived) or http_event.stream_id not in self._ended:
                continue
            stream_id, ended = http_event.stream_id, self._ended[http_event.stream_id]
            status = dict(http_event.headers).get(b":status", b"") if isinstance(http_event, HeadersReceived) else b""
            if status and not status.startswith(b"1"):  # the final response's, not a 103's
                self._statuses[stream_id] = status.decode()
            if stream_id in self._reset_on_data and isinstance(http_event, DataReceived):
                self._quic.reset_stream(stream_id, H3_REQUEST_CANCELLED)  # our side of the stream
                self._quic.stop_stream(stream_id, H3_REQUEST_CANCELLED)  # and theirs: send no more
                self.transmit()
                self._reset_on_data.discard(stream_id)
                ended.done() or ended.set_result("reset")
            elif http_event.stream_ended:
                ended.done() or ended.set_result(self._statuses.pop(stream_id, "no status"))


@asynccontextmanager
async def _connection(endpoint: Endpoint):
    configuration = client_configuration(str(CA_FILE), endpoint.host)
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
    a page does. Each outcome: "reset", or the status when the response was whole before any DATA."""
    return asyncio.run(_resets_half_way(endpoint, count, per_connection))


async def _answers(endpoint: Endpoint, patience: float) -> str:
    async with _connection(endpoint) as client:
        return await asyncio.wait_for(client.request(endpoint, "/healthz")[1], patience)


def http3_answers(endpoint: Endpoint, patience: float = PATIENCE) -> str:
    """The status of GET /healthz over a new QUIC connection ("200"), answered within `patience`
    seconds, else what went wrong."""
    try:
        return asyncio.run(asyncio.wait_for(_answers(endpoint, patience), patience))
    except (OSError, TimeoutError, ConnectionError) as error:
        return f"no answer: {type(error).__name__} {error}".strip()


def client_initials(endpoint: Endpoint, count: int) -> list[bytes]:
    """`count` first datagrams of new clients to the endpoint (clients.quic_flood)."""
    return quic_flood.client_initials(
        endpoint.host, endpoint.port, count, ca_file=str(CA_FILE), server_name=endpoint.host
    )


def flood(endpoint: Endpoint, initials: list[bytes], *, sources: int, per_second: int) -> float:
    """The Initials sent at the endpoint, answering nothing (clients.quic_flood); the seconds it took."""
    return quic_flood.flood(endpoint.host, endpoint.port, initials, sources=sources, per_second=per_second)


def bytes_answered(endpoint: Endpoint, initial: bytes, watch: float) -> list[int]:
    """Send one Initial from a new socket that answers nothing, and the sizes of the datagrams
    the server sends back to it within `watch` seconds (its first flight and its retransmissions).
    Only datagrams addressed to this client's connection ID count: the socket's port may have
    been another client's a moment ago (the flood's, say), and the server may still be sending
    to that client's connection (seen: nginx, 60 packets of 57 bytes)."""
    ours = source_connection_id(initial)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as lone:
        lone.sendto(initial, (endpoint.host, endpoint.port))
        deadline, sizes = time.monotonic() + watch, []
        while (left := deadline - time.monotonic()) > 0:
            lone.settimeout(left)
            try:
                datagram = lone.recv(65536)
            except TimeoutError:
                break
            if destination_connection_id(datagram) == ours:
                sizes.append(len(datagram))
    return sizes


def source_connection_id(long_header_packet: bytes) -> bytes:
    """RFC 9000 17.2: flags, version (4 bytes), DCID length and DCID, SCID length and SCID."""
    at = 6 + long_header_packet[5]
    return long_header_packet[at + 1 : at + 1 + long_header_packet[at]]


def destination_connection_id(datagram: bytes) -> bytes | None:
    """The DCID of a datagram's first packet if it has a long header (an answer to a client's
    Initial has); None for a short header, whose DCID length only its receiver knows."""
    if len(datagram) < 6 or not datagram[0] & 0x80:
        return None
    return datagram[6 : 6 + datagram[5]]


@contextmanager
def half_open(endpoint: Endpoint, count: int) -> Iterator[int]:
    """`count` clients that sent their Initial and answer nothing more, each from its own source
    port, held while the with-block runs: the server keeps each one's handshake state."""
    initials = client_initials(endpoint, count)
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in initials]
    try:
        for lone, initial in zip(sockets, initials, strict=True):
            lone.sendto(initial, (endpoint.host, endpoint.port))
        yield count
    finally:
        for lone in sockets:
            lone.close()


class _HeldInAThread(threading.Thread):
    """QUIC connections held open in a thread of their own (its own event loop) for a with-block:
    entered once they are `ready`, released (`_released`) when it ends."""

    def __init__(self, name: str) -> None:
        super().__init__(daemon=True, name=name)
        self.ready, self._released = threading.Event(), threading.Event()

    def __enter__(self):
        self.start()
        self.ready.wait(PATIENCE * 2)
        return self

    def __exit__(self, *_exc) -> None:
        self._released.set()
        self.join(PATIENCE * 2)


class IdleConnections(_HeldInAThread):
    """`count` QUIC connections with their handshakes done and nothing asked on them, held
    for a with-block: how many opened, and the errors of those that did not."""

    def __init__(self, endpoint: Endpoint, count: int) -> None:
        super().__init__(f"idle-quic-{endpoint.name}")
        self.endpoint, self.count = endpoint, count
        self.opened, self.errors = 0, Counter()

    def run(self) -> None:
        asyncio.run(self._hold())

    async def _hold(self) -> None:
        """Each connection opens, waits for the release and closes in a task of its own: closed
        one after another, 100 connections took 10 s (aioquic waits out each one's closing period)."""
        everyone_tried, released = asyncio.Event(), asyncio.Event()
        tried = 0

        async def hold_one() -> None:
            nonlocal tried
            try:
                async with AsyncExitStack() as held:
                    try:
                        await asyncio.wait_for(held.enter_async_context(_connection(self.endpoint)), PATIENCE)
                        self.opened += 1
                    finally:
                        tried += 1
                        if tried == self.count:
                            everyone_tried.set()
                    await released.wait()
            except (OSError, TimeoutError, ConnectionError) as error:
                self.errors[type(error).__name__] += 1

        holders = [asyncio.create_task(hold_one()) for _ in range(self.count)]
        await everyone_tried.wait()
        self.ready.set()
        while not self._released.is_set():
            await asyncio.sleep(0.1)  # until released: the connections stay open meanwhile
        released.set()
        await asyncio.gather(*holders)

    def __str__(self) -> str:
        failed = ", ".join(f"{count}x {error}" for error, count in self.errors.items())
        return f"{self.opened}/{self.count} idle QUIC connections held" + (f" ({failed})" if failed else "")


class Http3Neighbour(threading.Thread):
    """GET / about ten times a second over HTTP/3, on one connection (a new one after a failure),
    recording every outcome and the slowest answer: guard.py's polite neighbour, for attacks on
    QUIC. It waits up to NEIGHBOUR_PATIENCE for each answer: a server busy with a burst of
    Initials (a core's worth of handshakes for each second of flood) may answer late, and still
    serve; one that never answers, or drops the connection, fails it."""

    def __init__(self, endpoint: Endpoint, pause: float, most: int) -> None:
        super().__init__(daemon=True, name=f"h3-neighbour-{endpoint.name}")
        self.endpoint, self.pause, self.most = endpoint, pause, most
        self.outcomes: list[str] = []
        self.slowest = 0.0  # seconds, the longest wait for an answer
        self.first, self._finished = threading.Event(), threading.Event()

    def run(self) -> None:
        asyncio.run(self._ask())

    async def _ask(self) -> None:
        while len(self.outcomes) < self.most and not self._finished.is_set():
            try:
                async with _connection(self.endpoint) as client:
                    while len(self.outcomes) < self.most and not self._finished.is_set():
                        asked = time.monotonic()
                        answered = client.request(self.endpoint, "/")[1]
                        self.outcomes.append(await asyncio.wait_for(answered, NEIGHBOUR_PATIENCE))
                        self.slowest = max(self.slowest, time.monotonic() - asked)
                        self.first.set()
                        await asyncio.sleep(self.pause)  # the neighbour's own pace
            except (OSError, TimeoutError, ConnectionError) as error:
                self.outcomes.append(f"{type(error).__name__}: {error}")
                self.first.set()

    def finish(self) -> list[str]:
        self._finished.set()
        self.join(timeout=NEIGHBOUR_PATIENCE * 2)
        return self.outcomes


class IdleHttp3Client(_HeldInAThread):
    """A browser's HTTP/3 connection between two pages: one request answered (`answered`, "200"),
    then the connection left open and idle, for a with-block, until the server ends it (`ending`)
    or the block does."""

    def __init__(self, endpoint: Endpoint) -> None:
        super().__init__(f"idle-h3-{endpoint.name}")
        self.endpoint = endpoint
        self.answered = "not asked"
        self._ended, self._ended_by = threading.Event(), None

    def run(self) -> None:
        try:
            asyncio.run(self._hold())
        except (OSError, TimeoutError, ConnectionError) as error:
            self.answered = f"no answer: {type(error).__name__} {error}".strip()
        finally:
            self.ready.set()

    async def _hold(self) -> None:
        async with _connection(self.endpoint) as client:
            self.answered = await asyncio.wait_for(client.request(self.endpoint, "/healthz")[1], PATIENCE)
            self.ready.set()
            while client.ended_by is None and not self._released.is_set():
                await asyncio.sleep(0.05)  # idle, as the connection is, until the server or the test ends it
            self._ended_by = client.ended_by
            self._ended.set()

    def ending(self, patience: float) -> str:
        """How the server ended the connection within `patience` seconds: its CONNECTION_CLOSE's
        error code ("H3_NO_ERROR") and reason, or "never told"."""
        if not self._ended.wait(patience) or self._ended_by is None:
            return "never told"
        try:
            name = ErrorCode(self._ended_by.error_code).name
        except ValueError:  # a QUIC transport error's code, not HTTP/3's
            name = hex(self._ended_by.error_code)
        return f"{name} ({self._ended_by.reason_phrase})" if self._ended_by.reason_phrase else name
