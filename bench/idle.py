"""Idle HTTP/2 connections, held open while bench/scale.py reads the server's memory.

    python3 -m bench.idle --host quart_backend --port 8444 --counts 1,500

For each count it opens connections until that many were tried (TLS verified against
the lab's CA, ALPN h2, preface and SETTINGS sent, the server's SETTINGS and its ACK
of ours received) or some failed, prints "open <count> <still open> <failed>", and
waits for a line on stdin. After the last count, or when stdin closes, it closes them all.
"""

import argparse
import asyncio
import sys

import h2.connection
import h2.events

from clients.events import Origin
from clients.http2 import new_connection
from clients.tls import CountingTLS, client_context

CA_FILE = "/run/certs/ca.crt"
SERVER_NAME = "localhost"  # a name the certificate has
AT_ONCE = 50  # handshakes in flight: a burst of 500 would overflow small accept queues (Hypercorn: 100)
OPEN_SECONDS = 10  # a connection not through its SETTINGS exchange by then counts as failed


class IdleConnection:
    def __init__(self, tls: CountingTLS, http: h2.connection.H2Connection) -> None:
        self.tls, self.http = tls, http
        self.open = True

    @classmethod
    async def open_to(cls, origin: Origin, context) -> "IdleConnection":
        tls = await CountingTLS.open(origin.address, origin.server_name, context)
        if tls.alpn != "h2":
            raise ConnectionError(f"{origin.authority}: ALPN gave {tls.alpn!r}, not h2")
        connection = cls(tls, new_connection(accept_push=False))
        await tls.send(connection.http.data_to_send())
        settings_seen = acknowledged = False
        while not (settings_seen and acknowledged):
            for event in await connection._receive():
                settings_seen |= isinstance(event, h2.events.RemoteSettingsChanged)
                acknowledged |= isinstance(event, h2.events.SettingsAcknowledged)
            if not connection.open:
                raise ConnectionError(f"{origin.authority}: closed before the SETTINGS exchange ended")
        return connection

    async def _receive(self) -> list:
        try:
            data = await self.tls.recv()
        except OSError:  # closed under TLS (ConnectionError), or TLS itself failed (ssl.SSLError)
            data = b""
        if not data:
            self.open = False
            return []
        events = self.http.receive_data(data)
        self.open = not any(isinstance(event, h2.events.ConnectionTerminated) for event in events)
        await self.tls.send(self.http.data_to_send())  # SETTINGS and PING acknowledgements
        return events

    async def watch(self) -> None:
        """Answer what the server sends while idle; notice when it closes the connection."""
        while self.open:
            await self._receive()


async def try_to_open(origin: Origin, context, errors: list[str]) -> IdleConnection | None:
    try:
        return await asyncio.wait_for(IdleConnection.open_to(origin, context), OPEN_SECONDS)
    except (OSError, TimeoutError) as error:  # ConnectionError and ssl.SSLError are OSErrors
        if not errors:
            print(f"{origin.authority}: a connection failed: {error!r}", file=sys.stderr, flush=True)
        errors.append(repr(error))
        return None


async def hold(origin: Origin, counts: list[int]) -> None:
    context = client_context(CA_FILE, ["h2"])
    held: list[IdleConnection] = []
    watchers = []
    errors: list[str] = []
    stdin = asyncio.StreamReader()
    await asyncio.get_running_loop().connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    try:
        for count in counts:
            while len(held) + len(errors) < count and not errors:  # a server that refuses some will refuse more
                batch = min(AT_ONCE, count - len(held) - len(errors))
                tried = await asyncio.gather(*(try_to_open(origin, context, errors) for _ in range(batch)))
                opened = [connection for connection in tried if connection]
                held += opened
                watchers += [asyncio.create_task(connection.watch()) for connection in opened]
            print(f"open {count} {sum(connection.open for connection in held)} {len(errors)}", flush=True)
            if not await stdin.readline():
                break
    finally:
        for watcher in watchers:
            watcher.cancel()
        for connection in held:
            connection.tls.close()
        print("closed", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python3 -m bench.idle")
    parser.add_argument("--host", required=True, help="a compose service name")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--counts", required=True, help="comma-separated, rising: 1,500")
    arguments = parser.parse_args()
    counts = [int(count) for count in arguments.counts.split(",")]
    asyncio.run(hold(Origin(SERVER_NAME, arguments.port, arguments.host), counts))


if __name__ == "__main__":
    main()
