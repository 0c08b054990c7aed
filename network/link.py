"""One direction of the emulated path: loss, then a rate-limited drop-tail queue, then a delay.

Pure scheduling (no sockets, no TUN): the clock and the dice are injected, so tests
can drive it packet by packet. Like Mahimahi's mm-loss, mm-link and mm-delay in one.
"""

import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LinkSettings:
    delay_s: float = 0.0  # one way
    rate_mbit: float = 0.0  # 0 is unlimited
    loss_percent: float = 0.0
    queue_packets: int = 1000


@dataclass
class Counters:
    packets: int = 0  # delivered
    bytes: int = 0  # delivered
    dropped_loss: int = 0
    dropped_queue: int = 0


class Link:
    def __init__(
        self,
        settings: LinkSettings,
        clock: Callable[[], float] = time.monotonic,
        chance: Callable[[], float] = random.random,
    ) -> None:
        self.settings = settings  # replaced whole when the profile changes: packets in flight keep their times
        self.counters = Counters()
        self._clock = clock
        self._chance = chance
        self._in_flight: deque[tuple[float, bytes]] = deque()  # (release time, packet), oldest first
        self._on_the_wire: deque[float] = deque()  # departure times of packets the rate has not sent yet
        self._last_departure = 0.0

    def offer(self, packet: bytes) -> None:
        """A packet arrives now: drop it, or schedule its release."""
        settings = self.settings
        now = self._clock()
        if settings.loss_percent and self._chance() * 100 < settings.loss_percent:
            self.counters.dropped_loss += 1
            return
        departure = now
        if settings.rate_mbit:
            while self._on_the_wire and self._on_the_wire[0] <= now:
                self._on_the_wire.popleft()
            if len(self._on_the_wire) >= settings.queue_packets:
                self.counters.dropped_queue += 1
                return
            departure = max(now, self._last_departure) + len(packet) * 8 / (settings.rate_mbit * 1e6)
            self._last_departure = departure
            self._on_the_wire.append(departure)
        # Never before the packet ahead: a shorter delay set live must not reorder the flow.
        release = max(departure + settings.delay_s, self._in_flight[-1][0] if self._in_flight else 0.0)
        self._in_flight.append((release, packet))

    def next_release(self) -> float | None:
        return self._in_flight[0][0] if self._in_flight else None

    def release(self) -> list[bytes]:
        """The packets whose time has come, in order."""
        now = self._clock()
        due = []
        while self._in_flight and self._in_flight[0][0] <= now:
            due.append(self._in_flight.popleft()[1])
        self.counters.packets += len(due)
        self.counters.bytes += sum(map(len, due))
        return due
