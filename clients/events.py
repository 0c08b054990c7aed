"""What the page loaders share. A page load is what a browser does: the page, then every asset it links.

    HTTP/1.1  at most 6 connections per origin, requests queued on them
    HTTP/2    one connection, requests multiplexed (push refused, or accepted)
    HTTP/3    one QUIC connection

A loader kept between loads reuses its connections (warm); a new loader opens
them, TLS handshake included (cold).
"""

import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Origin:
    """Where a client dials, and the name it verifies and asks for."""

    server_name: str  # certificate name and :authority host
    port: int
    dial_host: str  # the server itself, or the network emulator in front of it

    @property
    def authority(self) -> str:
        return f"{self.server_name}:{self.port}"

    @property
    def address(self) -> tuple[str, int]:
        return self.dial_host, self.port


@dataclass
class PageLoad:
    seconds: float
    connections: int  # connections this load opened
    bytes_in: int  # on the wire: TLS records (TCP) or UDP payloads (QUIC)
    bytes_out: int
    fetched: Counter = field(default_factory=Counter)  # path → responses received
    pushed: list[str] = field(default_factory=list)  # paths the server pushed
    streams_per_round: int = 6  # requests in flight at once: 6 connections, or the server's stream limit


class Stopwatch:
    """Wall time and wire counters over one load."""

    def __init__(self, loader) -> None:
        self._loader = loader
        self._start = time.perf_counter()
        self._opened, self._in, self._out = loader.opened, *loader.wire_bytes()

    def result(self, fetched: Counter, pushed: list[str] | None = None, streams_per_round: int = 6) -> PageLoad:
        bytes_in, bytes_out = self._loader.wire_bytes()
        return PageLoad(
            seconds=time.perf_counter() - self._start,
            connections=self._loader.opened - self._opened,
            bytes_in=bytes_in - self._in,
            bytes_out=bytes_out - self._out,
            fetched=fetched,
            pushed=pushed or [],
            streams_per_round=streams_per_round,
        )
