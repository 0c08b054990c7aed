"""An HTTP/2 server by hand, on the h2 library alone: what every Python HTTP/2 server does
underneath (Hypercorn, Gunicorn's and Twisted's HTTP/2 are built on the same library).

    python3 server.py

This file moves bytes and keeps the clocks; http2.py is the connection, a state machine that
says why each frame goes out; responses.py is what a request gets. TLS offers h2 and
http/1.1 by ALPN: HTTP/2 is the point, HTTP/1.1 is served minimally (http1.py), so a
client without HTTP/2 (a health check, the HTTP/1.1 baseline of the bench) gets the page.
On SIGTERM: no new connections, a GOAWAY on each HTTP/2 one, and the streams in flight
finish, for at most DRAIN_SECONDS (within Docker's 10 s stop).
"""

import asyncio
import signal
import ssl
import time
from asyncio import sslproto

import http1
from http2 import DEFAULT_WINDOW, Http2Connection

from endpoints import H2_BY_HAND, RAISED_WINDOWS

PORT = H2_BY_HAND.port
# The same server with its windows raised, on a port of its own (endpoints: RAISED_WINDOWS): an
# upload moves a window a round trip, 64 KiB here by default, 16 MiB there.
RAISED_WINDOW_PORT = next(raised.endpoint.port for raised in RAISED_WINDOWS if raised.of == H2_BY_HAND)
RAISED_WINDOW = 16 * 2**20
CERTIFICATE, PRIVATE_KEY = "/run/certs/server.crt", "/run/certs/server.key"
HANDSHAKE_SECONDS = 10  # a TLS handshake that stalls is dropped after this
IDLE_SECONDS = 10  # no request, no frame that moves anything on (a trickle of CONTINUATION or DATA does not)
DRAIN_SECONDS = 8
READ_SIZE = 65_536
# asyncio's TLS layer reads into a buffer of SSLProtocol.max_size (256 KiB) made for each
# connection as it opens and kept while it lives: most of what an idle connection held here
# (319 KB measured; Hypercorn, Uvicorn and Sanic carry the same). This server never asks it
# for more than READ_SIZE at a time, so the buffer needs no more.
sslproto.SSLProtocol.max_size = READ_SIZE
HEADER_LIMIT = 16_384  # an HTTP/1.1 request head larger than this is refused (431)


def tls_context() -> ssl.SSLContext:
    """Mozilla's "intermediate", as nginx's: TLS 1.2+, ECDHE with AEAD; the key-exchange groups
    come from OpenSSL's configuration (python.Dockerfile)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers("ECDHE+AESGCM:ECDHE+CHACHA20")
    context.options |= ssl.OP_NO_COMPRESSION | ssl.OP_NO_RENEGOTIATION | ssl.OP_NO_TICKET
    context.load_cert_chain(CERTIFICATE, PRIVATE_KEY)
    context.set_alpn_protocols(["h2", "http/1.1"])
    return context


class Server:
    def __init__(self, window: int = DEFAULT_WINDOW) -> None:
        self.window = window  # each HTTP/2 connection's, for a request body (http2.py)
        self.http2_connections: set[tuple[Http2Connection, asyncio.StreamWriter]] = set()
        self.waiting_http1: set[asyncio.StreamWriter] = set()  # HTTP/1.1 connections between requests
        self.tasks: set[asyncio.Task] = set()
        self.stopping = False
        self.all_done = asyncio.Event()

    async def connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.tasks.add(asyncio.current_task())
        host, port, *_ = writer.get_extra_info("peername")
        peer = f"{host}:{port}"
        try:
            if writer.get_extra_info("ssl_object").selected_alpn_protocol() == "h2":
                await self.http2(reader, writer, peer)
            else:
                await http1.serve(reader, writer, peer, IDLE_SECONDS, self.waiting_http1)
        except (ConnectionError, ssl.SSLError, TimeoutError):
            pass  # the client went away, or stalled while we wrote: nothing to answer
        finally:
            writer.close()
            self.tasks.discard(asyncio.current_task())
            if self.stopping and not self.tasks:
                self.all_done.set()

    async def http2(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer: str) -> None:
        connection = Http2Connection(peer, window=self.window)
        entry = (connection, writer)
        self.http2_connections.add(entry)
        try:
            await send(writer, connection.start() + (connection.stop() if self.stopping else b""))
            progress, last_events = time.monotonic(), 0
            while not connection.done:
                wait = progress + IDLE_SECONDS - time.monotonic()
                if wait <= 0:
                    # Idle, or stuck (a header block that never ends, a window never reopened):
                    # GOAWAY, then close (RFC 9113 6.8 lets a server close an idle connection).
                    await send(writer, connection.stop())
                    return
                try:
                    data = await asyncio.wait_for(reader.read(READ_SIZE), wait)
                except TimeoutError:
                    continue
                if not data:
                    return
                await send(writer, connection.receive(data))
                if connection.events != last_events:
                    progress, last_events = time.monotonic(), connection.events
        finally:
            self.http2_connections.discard(entry)

    async def stop(self, listening: asyncio.Server) -> None:
        """No new connections; GOAWAY on every HTTP/2 one, closed at once where nothing is in
        flight; HTTP/1.1 ones closed between requests; then the rest, for DRAIN_SECONDS at most."""
        self.stopping = True
        listening.close()
        for connection, writer in list(self.http2_connections):
            try:
                await send(writer, connection.stop())
            except (ConnectionError, TimeoutError):
                pass
            if connection.done:
                writer.close()
        for writer in list(self.waiting_http1):
            writer.close()
        if self.tasks:
            try:
                await asyncio.wait_for(self.all_done.wait(), DRAIN_SECONDS)
            except TimeoutError:
                for task in list(self.tasks):
                    task.cancel()


async def send(writer: asyncio.StreamWriter, data: bytes) -> None:
    """Write, and wait until the client has taken it: one that does not read is dropped."""
    if data:
        writer.write(data)
        await asyncio.wait_for(writer.drain(), IDLE_SECONDS)


async def listen(server: Server, port: int) -> asyncio.Server:
    return await asyncio.start_server(
        server.connection, "0.0.0.0", port, ssl=tls_context(), ssl_handshake_timeout=HANDSHAKE_SECONDS,
        limit=HEADER_LIMIT,
    )  # fmt: skip


async def main() -> None:
    servers = {PORT: Server(), RAISED_WINDOW_PORT: Server(RAISED_WINDOW)}
    listening = {port: await listen(server, port) for port, server in servers.items()}
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stopped.set)
    print(
        f"h2-by-hand: HTTP/2 (and HTTP/1.1) over TLS on {PORT}; windows of {RAISED_WINDOW:,} on {RAISED_WINDOW_PORT}",
        flush=True,
    )
    await stopped.wait()
    await asyncio.gather(*(server.stop(listening[port]) for port, server in servers.items()))
    print("h2-by-hand: stopped", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
