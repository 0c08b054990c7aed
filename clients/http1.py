"""HTTP/1.1 page loads: at most 6 connections per origin, like a browser."""

import asyncio
from collections import Counter, deque

import h11

from clients.events import Origin, PageLoad, Stopwatch
from clients.links import linked_assets
from clients.tls import CountingTLS, client_context

MAX_CONNECTIONS = 6  # per origin, as browsers do


class KeepAliveClosed(ConnectionError):
    """A request met a kept-alive connection the server had already closed: browsers
    retry such an idempotent request once, on a new connection, and so do we."""


class _Connection:
    def __init__(self, tls: CountingTLS, origin: Origin) -> None:
        self.tls, self._origin = tls, origin
        self._http = h11.Connection(h11.CLIENT)
        self.closed = False
        self.served = 0  # responses received on this connection

    async def get(self, path: str) -> bytes:
        request = h11.Request(
            method="GET", target=path, headers=[("host", self._origin.authority), ("user-agent", "h2lab-bench")]
        )
        body, status = b"", None
        try:
            await self.tls.send(self._http.send(request) + self._http.send(h11.EndOfMessage()))
            event = self._http.next_event()
            while event is h11.NEED_DATA:
                self._http.receive_data(await self.tls.recv())
                event = self._http.next_event()
            if isinstance(event, h11.ConnectionClosed):
                raise ConnectionError("the server closed the connection")
        except (ConnectionError, h11.RemoteProtocolError) as error:
            self.closed = True
            if self.served:  # an idle keep-alive connection the server had closed: ask again
                raise KeepAliveClosed(f"GET {path}: the server had closed the kept-alive connection") from error
            raise
        while True:
            if event is h11.NEED_DATA:
                self._http.receive_data(await self.tls.recv())
            elif isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                break
            elif isinstance(event, h11.ConnectionClosed):
                raise ConnectionError(f"GET {path}: the server closed the connection mid-response")
            event = self._http.next_event()
        self.served += 1
        if status != 200:
            raise ConnectionError(f"GET {path}: HTTP/1.1 {status}")
        if self._http.our_state is h11.MUST_CLOSE or self._http.their_state is not h11.DONE:
            self.closed = True  # the server ended keep-alive (Connection: close)
        else:
            self._http.start_next_cycle()
        return body


class Http1Loader:
    protocol = "http/1.1"

    def __init__(self, origin: Origin, ca_file: str) -> None:
        self._origin = origin
        self._context = client_context(ca_file, ["http/1.1"])
        self._slots: dict[int, _Connection] = {}
        self._retired = (0, 0)  # wire bytes of connections the server closed
        self.opened = 0

    def wire_bytes(self) -> tuple[int, int]:
        connections = [slot.tls for slot in self._slots.values()]
        current = sum(c.bytes_in for c in connections), sum(c.bytes_out for c in connections)
        return self._retired[0] + current[0], self._retired[1] + current[1]

    async def _slot(self, index: int) -> _Connection:
        """The connection in this slot: kept alive, or a new one where there is none or the server closed it."""
        slot = self._slots.get(index)
        if slot is None or slot.closed:
            if slot is not None:
                in_, out = self._retired
                self._retired = (in_ + slot.tls.bytes_in, out + slot.tls.bytes_out)
                slot.tls.close()
            tls = await CountingTLS.open(self._origin.address, self._origin.server_name, self._context)
            self.opened += 1
            self._slots[index] = _Connection(tls, self._origin)
        return self._slots[index]

    async def _get(self, index: int, path: str) -> bytes:
        try:
            return await (await self._slot(index)).get(path)
        except KeepAliveClosed:
            return await (await self._slot(index)).get(path)

    async def load(self, page: str) -> PageLoad:
        watch = Stopwatch(self)
        fetched: Counter = Counter()
        html = await self._get(0, page)
        fetched[page] += 1
        queue = deque(linked_assets(html))

        async def worker(index: int) -> None:
            while queue:
                path = queue.popleft()
                await self._get(index, path)
                fetched[path] += 1

        await asyncio.gather(*(worker(index) for index in range(min(MAX_CONNECTIONS, len(queue)))))
        return watch.result(fetched)

    async def close(self) -> None:
        for slot in self._slots.values():
            slot.tls.close()
        self._slots.clear()
