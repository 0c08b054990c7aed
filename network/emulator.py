"""The packet loop: far-client → uplink → far-server, far-server → downlink → far-client."""

import os
import select
import time
from dataclasses import asdict
from typing import NoReturn

from network.link import Link
from network.profiles import Profile

PACKET_BUFFER = 65535  # more than any MTU: the kernel segments GSO packets before a TUN without offloads
READS_PER_WAKE = 64  # so a flood one way cannot starve the other


class Emulator:
    """The profile in force and the two links it sets. Other threads may read it or apply a profile."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.uplink = Link(profile.uplink())
        self.downlink = Link(profile.downlink())

    def apply(self, profile: Profile) -> None:
        # Each assignment is atomic: the loop sees the old settings or the new, never a mix of one link's.
        self.uplink.settings = profile.uplink()
        self.downlink.settings = profile.downlink()
        self.profile = profile

    def status(self) -> dict[str, object]:
        return self.profile.as_dict() | {
            "counters": {"up": asdict(self.uplink.counters), "down": asdict(self.downlink.counters)}
        }

    def describe(self) -> str:
        lines = [self.profile.describe()]
        for direction, link in (("up", self.uplink), ("down", self.downlink)):
            counters = link.counters
            lines.append(
                f"  {direction:<4} {counters.packets} packets, {counters.bytes} bytes delivered; "
                f"dropped {counters.dropped_loss} by loss, {counters.dropped_queue} by the queue"
            )
        return "\n".join(lines)


def forward(emulator: Emulator, client_side: int, server_side: int) -> NoReturn:
    """Move packets between the two TUNs for ever, each released when its link says."""
    paths = ((client_side, emulator.uplink, server_side), (server_side, emulator.downlink, client_side))
    # A timerfd, not epoll's own timeout: that one counts whole milliseconds, rounded up.
    timer = os.timerfd_create(time.CLOCK_MONOTONIC, flags=os.TFD_NONBLOCK)
    armed = 0.0  # 0 is disarmed
    poller = select.epoll()
    for descriptor in (client_side, server_side, timer):
        poller.register(descriptor, select.EPOLLIN)
    while True:
        wake = _next_release(emulator)
        if wake != armed:  # setting it also clears a past expiry
            os.timerfd_settime(timer, flags=os.TFD_TIMER_ABSTIME, initial=wake)
            armed = wake
        readable = {descriptor for descriptor, _ in poller.poll()}
        for inbound, link, outbound in paths:
            if inbound in readable:
                _read_some(inbound, link)
            for packet in link.release():
                os.write(outbound, packet)


def _read_some(descriptor: int, link: Link) -> None:
    for _ in range(READS_PER_WAKE):
        try:
            link.offer(os.read(descriptor, PACKET_BUFFER))
        except BlockingIOError:
            return


def _next_release(emulator: Emulator) -> float:
    """When the next packet is due (time.monotonic()), or 0 when none waits."""
    waiting = [when for when in (emulator.uplink.next_release(), emulator.downlink.next_release()) if when]
    return min(waiting, default=0.0)
