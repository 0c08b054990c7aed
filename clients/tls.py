"""TLS for every client of the lab: contexts that verify the chain against the
lab's CA, a blocking connection for probes, and an asyncio one whose wire bytes
are counted (through memory BIOs) for the bench."""

import asyncio
import socket
import ssl

READ_SIZE = 256 * 1024


def client_context(ca_file: str, alpn: list[str] | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=ca_file)
    if alpn:
        context.set_alpn_protocols(alpn)
    return context


def open_tls(
    host: str, port: int, context: ssl.SSLContext, *, server_name: str | None = None, timeout: float = 10.0
) -> ssl.SSLSocket:
    """A blocking TLS connection, handshake done (server_name defaults to host). Without Nagle's
    delay, as browsers and curl connect: else the tail of a request body waits for the server's
    delayed ACK (40 ms), once per flow-control window an upload fills."""
    raw = socket.create_connection((host, port), timeout=timeout)
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        return context.wrap_socket(raw, server_hostname=server_name or host)
    except BaseException:
        raw.close()
        raise


class CountingTLS:
    """One asyncio TLS connection: plain bytes in and out, wire bytes counted."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        tls: ssl.SSLObject,
        incoming: ssl.MemoryBIO,
        outgoing: ssl.MemoryBIO,
    ) -> None:
        self._reader, self._writer, self._tls = reader, writer, tls
        self._incoming, self._outgoing = incoming, outgoing
        self.bytes_in = self.bytes_out = 0

    @classmethod
    async def open(cls, address: tuple[str, int], server_name: str, context: ssl.SSLContext) -> "CountingTLS":
        reader, writer = await asyncio.open_connection(*address)
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        connection = cls(
            reader, writer, context.wrap_bio(incoming, outgoing, server_hostname=server_name), incoming, outgoing
        )
        await connection._handshake()
        return connection

    @property
    def alpn(self) -> str | None:
        return self._tls.selected_alpn_protocol()

    async def _handshake(self) -> None:
        while True:
            try:
                self._tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                await self._flush()
                await self._fill()
        await self._flush()

    async def _flush(self) -> None:
        data = self._outgoing.read()
        if data:
            self.bytes_out += len(data)
            self._writer.write(data)
            await self._writer.drain()

    async def _fill(self) -> None:
        data = await self._reader.read(READ_SIZE)
        if not data:
            raise ConnectionError("the server closed the connection")
        self.bytes_in += len(data)
        self._incoming.write(data)

    async def send(self, plain: bytes) -> None:
        self._tls.write(plain)
        await self._flush()

    async def recv(self) -> bytes:
        """The next plain bytes the server sent (b"" once it closed TLS)."""
        while True:
            try:
                return self._tls.read(READ_SIZE)
            except ssl.SSLWantReadError:
                await self._fill()
                await self._flush()
            except ssl.SSLZeroReturnError:
                return b""

    def close(self) -> None:
        self._writer.close()
