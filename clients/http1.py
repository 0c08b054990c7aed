"""HTTP/1.1 page loads: at most 6 connections per origin, like a browser."""

import asyncio
from collections import Counter, deque

import h11

from clients.events import Origin, PageLoad, Stopwatch
from clients.links import linked_assets
from clients.tls import CountingTLS, client_context

MAX_CONNECTIONS = 6  # per origin, as browsers do


class _Connection:
    def __init__(self, tls: CountingTLS, origin: Origin) -> None:
        self.tls, self._origin = tls, origin
        self._http = h11.Connection(h11.CLIENT)
        self.closed = False

    async def get(self, path: str) -> bytes:
        request = h11.Request(
            method="GET", target=path, headers=[("host", self._origin.authority), ("user-agent", "h2lab-bench")]
        )
        await self.tls.send(self._http.send(request) + self._http.send(h11.EndOfMessage()))
        body, status = b"", None
        while True:
            event = self._http.next_event()
            if event is h11.NEED_DATA:
                self._http.receive_data(await self.tls.recv())
            elif isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                break
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

    async def load(self, page: str) -> PageLoad:
        watch = Stopwatch(self)
        fetched: Counter = Counter()
        html = await (await self._slot(0)).get(page)
        fetched[page] += 1
        queue = deque(linked_assets(html))

        async def worker(index: int) -> None:
            while queue:
                path = queue.popleft()
                connection = await self._slot(index)
                await connection.get(path)
                fetched[path] += 1

        await asyncio.gather(*(worker(index) for index in range(min(MAX_CONNECTIONS, len(queue)))))
        return watch.result(fetched)

    async def close(self) -> None:
        for slot in self._slots.values():
            slot.tls.close()
        self._slots.clear()
