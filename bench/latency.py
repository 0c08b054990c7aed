"""Added round-trip time, on the measuring side only (the servers keep least privilege).

Where the kernel has netem, `tc qdisc ... netem delay RTT` on the bench
container's interface delays every packet it sends: each round trip, the TCP
and QUIC handshakes included, gets RTT longer. Where it has not (these CI
machines), a relay in the bench container carries every connection instead:

    client ──▶ relay 127.0.0.1:PORT ──(RTT/2 each way)──▶ server SERVICE:PORT

It delays every TCP chunk and every UDP datagram by half the RTT in each
direction, QUIC included. A relay accepts a TCP connection at once, where a
real SYN/SYN-ACK costs a round trip, so it holds the client's first bytes for
one extra RTT: the handshake's round trip is accounted for.
"""

import asyncio
import subprocess
import time

INTERFACE = "eth0"


def netem_available() -> bool:
    """Try to add netem (with no delay) and remove it again."""
    add = subprocess.run(["tc", "qdisc", "add", "dev", INTERFACE, "root", "netem", "delay", "0ms"], capture_output=True)
    if add.returncode != 0:
        return False
    subprocess.run(["tc", "qdisc", "del", "dev", INTERFACE, "root"], capture_output=True)
    return True


class NoLatency:
    """RTT 0: clients dial the servers directly."""

    method = "none"
    rtt_ms = 0

    async def __aenter__(self) -> "NoLatency":
        return self

    async def __aexit__(self, *_) -> None:
        pass

    def dial_host(self, service: str) -> str:
        return service


class Netem:
    method = "netem"

    def __init__(self, rtt_ms: float) -> None:
        self.rtt_ms = rtt_ms

    async def __aenter__(self) -> "Netem":
        if self.rtt_ms:
            subprocess.run(
                ["tc", "qdisc", "add", "dev", INTERFACE, "root", "netem", "delay", f"{self.rtt_ms}ms"], check=True
            )
        return self

    async def __aexit__(self, *_) -> None:
        if self.rtt_ms:
            subprocess.run(["tc", "qdisc", "del", "dev", INTERFACE, "root"], check=True)

    def dial_host(self, service: str) -> str:
        return service


class _DelayedPipe:
    """Bytes from reader to writer, each chunk delivered `delay` seconds after it arrived."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float, not_before: float = 0.0
    ) -> None:
        self._reader, self._writer, self._delay, self._not_before = reader, writer, delay, not_before
        self._queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def run(self) -> None:
        sender = asyncio.create_task(self._send())
        try:
            while data := await self._reader.read(65536):
                self._queue.put_nowait((max(time.monotonic(), self._not_before) + self._delay, data))
        except ConnectionError:
            pass
        finally:
            self._queue.put_nowait((0.0, b""))
            await sender

    async def _send(self) -> None:
        try:
            while True:
                due, data = await self._queue.get()
                if not data:
                    break
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                self._writer.write(data)
                await self._writer.drain()
            self._writer.write_eof()
        except (ConnectionError, OSError):
            pass


class _UdpRelay(asyncio.DatagramProtocol):
    """The client-facing UDP socket; one upstream socket per client address."""

    def __init__(self, service: str, port: int, delay: float) -> None:
        self._server, self._delay = (service, port), delay
        self._upstreams: dict = {}
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, client) -> None:
        loop = asyncio.get_running_loop()
        if client not in self._upstreams:
            self._upstreams[client] = loop.create_task(
                loop.create_datagram_endpoint(lambda: _UdpReplies(self, client), remote_addr=self._server)
            )
        loop.call_later(self._delay, self._forward, self._upstreams[client], data)

    @staticmethod
    def _forward(upstream: asyncio.Task, data: bytes) -> None:
        upstream.add_done_callback(lambda done: done.result()[0].sendto(data))

    def reply(self, data: bytes, client) -> None:
        asyncio.get_running_loop().call_later(self._delay, self.transport.sendto, data, client)

    def close(self) -> None:
        self.transport.close()
        for upstream in self._upstreams.values():
            if upstream.done() and not upstream.exception():
                upstream.result()[0].close()


class _UdpReplies(asyncio.DatagramProtocol):
    def __init__(self, relay: _UdpRelay, client) -> None:
        self._relay, self._client = relay, client

    def datagram_received(self, data: bytes, _server) -> None:
        self._relay.reply(data, self._client)


class Relay:
    """TCP and UDP relays on 127.0.0.1, one per (service, port)."""

    method = "relay"

    def __init__(self, rtt_ms: float, targets: list[tuple[str, int, bool]], port_offset: int = 0) -> None:
        self.rtt_ms = rtt_ms
        self._half = rtt_ms / 2000
        self._targets = targets  # (service, port, udp too)
        self.port_offset = port_offset  # listen on port + offset (0 in the bench container)
        self._closers: list = []

    def dial_host(self, service: str) -> str:
        return "127.0.0.1"

    async def __aenter__(self) -> "Relay":
        loop = asyncio.get_running_loop()
        for service, port, udp in self._targets:
            server = await asyncio.start_server(
                lambda r, w, s=service, p=port: self._carry_tcp(r, w, s, p), "127.0.0.1", port + self.port_offset
            )
            self._closers.append(server.close)
            if udp:
                _, relay = await loop.create_datagram_endpoint(
                    lambda s=service, p=port: _UdpRelay(s, p, self._half),
                    local_addr=("127.0.0.1", port + self.port_offset),
                )
                self._closers.append(relay.close)
        return self

    async def __aexit__(self, *_) -> None:
        for close in self._closers:
            close()

    async def _carry_tcp(self, client_reader, client_writer, service: str, port: int) -> None:
        accepted = time.monotonic()
        try:
            server_reader, server_writer = await asyncio.open_connection(service, port)
        except OSError:
            client_writer.close()
            return
        upstream = _DelayedPipe(client_reader, server_writer, self._half, not_before=accepted + 2 * self._half)
        downstream = _DelayedPipe(server_reader, client_writer, self._half)
        await asyncio.gather(upstream.run(), downstream.run())
        client_writer.close()
        server_writer.close()
