"""Hypercorn serving Quart with the settings of hypercorn.toml, and three changes.

    python3 serve.py

Hypercorn writes one fixed Alt-Svc (its alt_svc_headers, else its QUIC ports)
into every response. A client of the far port 9444 (the network emulator's,
forwarded to 8444) must be told h3 on UDP 9444, so Hypercorn sends none and the
app names the port the client reached (app.py, alt_svc).

Three mends for Hypercorn 0.18's HTTP/3 (docs/hardening.md, "Hypercorn's HTTP/3
requests that never ended" and "A restart, and the HTTP/3 client a browser keeps open"):
- a stream that has sent its response is dropped without being told it closed,
  so the app never receives http.disconnect and its task waits for ever (14 KB
  held per request, measured; every stop waited the whole graceful_timeout). Its
  HTTP/2 tells the stream (h2.py, _close_stream); here the HTTP/3 side does too;
- its QUIC loop looks at the shutdown only when a datagram arrives: once the
  shutdown starts, the QUIC server sends itself an empty datagram every 0.2 s
  until the loop ends (Hypercorn drops them: no QUIC header);
- at a shutdown it tells no QUIC client, and waits for every connection to close
  by itself (aioquic's idle timeout, 60 s), so each stop took its whole
  graceful_timeout, and a client's next request on its connection went unanswered
  (the new server does not know it). Now, as nginx does, a connection with no request in
  flight is closed at once (CONNECTION_CLOSE, H3_NO_ERROR); one serving a
  request is closed once that request is answered.
The worker is a spawned process that imports this file again, so the changes
are made at import, where the worker sees them.
"""

import asyncio
import sys

import hypercorn.asyncio.run
import hypercorn.protocol.quic
from aioquic.h3.connection import ErrorCode
from hypercorn.asyncio.udp_server import UDPServer
from hypercorn.config import Config
from hypercorn.events import Event
from hypercorn.protocol.events import StreamClosed
from hypercorn.protocol.h3 import H3Protocol
from hypercorn.run import run

WAKE_EVERY = 0.2  # seconds between two empty datagrams, from the shutdown until the QUIC loop ends


class AltSvcFromTheApp(Config):
    def response_headers(self, protocol: str) -> list[tuple[bytes, bytes]]:
        return [(name, value) for name, value in super().response_headers(protocol) if name != b"alt-svc"]


class H3ProtocolThatClosesItsStreams(H3Protocol):
    async def stream_send(self, event: Event) -> None:
        closing = self.streams.get(event.stream_id) if isinstance(event, StreamClosed) else None
        await super().stream_send(event)
        if closing is not None:
            await closing.handle(StreamClosed(stream_id=event.stream_id))


class UDPServerWokenAtShutdown(UDPServer):
    async def run(self) -> None:
        waking = self.loop.create_task(self._wake_at_shutdown())
        try:
            await super().run()
        finally:
            waking.cancel()

    async def _wake_at_shutdown(self) -> None:
        await self.context.terminated.wait()
        itself = ("127.0.0.1", self.transport.get_extra_info("sockname")[1])
        closed: set[int] = set()
        while True:  # until the loop ends: it waits for its last connection to close (drains)
            await self._close_the_idle(closed)
            self.transport.sendto(b"", itself)
            await asyncio.sleep(WAKE_EVERY)

    async def _close_the_idle(self, closed: set[int]) -> None:
        """Close each connection with no request in flight (a handshake not done has none), once;
        `closed` holds those already closed. Hypercorn answers no request that arrives after the
        shutdown began, so a client told at once can take it to the server that comes next."""
        protocol = getattr(self, "protocol", None)  # none yet if the shutdown came before the loop began
        connections = {id(connection): connection for connection in protocol.connections.values()} if protocol else {}
        for key, connection in connections.items():
            if key not in closed and (connection.h3 is None or not connection.h3.streams):
                closed.add(key)
                connection.quic.close(error_code=ErrorCode.H3_NO_ERROR, reason_phrase="server stopping")
                await protocol.send_all(connection)


hypercorn.protocol.quic.H3Protocol = H3ProtocolThatClosesItsStreams
hypercorn.asyncio.run.UDPServer = UDPServerWokenAtShutdown

if __name__ == "__main__":
    config = AltSvcFromTheApp.from_toml("hypercorn.toml")
    config.application_path = "app:app"
    sys.exit(run(config))
