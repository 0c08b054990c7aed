"""The far network's scheduling, packet by packet, on a clock the tests move."""

import random

import pytest

from network.link import Link, LinkSettings

PACKET = bytes(1500)  # 1500 bytes at 12 Mbit/s: 1 ms on the wire


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def link_with(clock: Clock, **settings: float) -> Link:
    return Link(LinkSettings(**settings), clock=clock, chance=lambda: 0.5)


def test_loopback_releases_at_once() -> None:
    clock = Clock()
    link = link_with(clock)
    link.offer(PACKET)
    assert link.release() == [PACKET]
    assert link.next_release() is None


def test_delay_holds_each_packet_for_its_time_in_order() -> None:
    clock = Clock()
    link = link_with(clock, delay_s=0.025)
    link.offer(b"first")
    clock.now += 0.010
    link.offer(b"second")
    clock.now += 0.014
    assert link.release() == []
    assert link.next_release() == 100.025
    clock.now = 100.025
    assert link.release() == [b"first"]
    assert link.next_release() == pytest.approx(100.035)
    clock.now = link.next_release()
    assert link.release() == [b"second"]


def test_rate_paces_back_to_back_packets_then_delays_them() -> None:
    clock = Clock()
    link = link_with(clock, delay_s=0.010, rate_mbit=12)
    for _ in range(3):
        link.offer(PACKET)
    releases = []
    while (when := link.next_release()) is not None:
        clock.now = when
        releases += [round(clock.now - 100, 6)] * len(link.release())
    assert releases == [0.011, 0.012, 0.013]


def test_an_idle_link_sends_a_new_packet_at_once() -> None:
    clock = Clock()
    link = link_with(clock, rate_mbit=12)
    link.offer(PACKET)
    clock.now += 5
    link.offer(PACKET)
    assert link.next_release() == 100.001
    clock.now = 100.001
    link.release()
    assert link.next_release() == 105.001


def test_a_full_queue_drops_the_newcomer_until_the_link_drains() -> None:
    clock = Clock()
    link = link_with(clock, rate_mbit=12, queue_packets=2)
    for _ in range(3):
        link.offer(PACKET)
    assert link.counters.dropped_queue == 1
    clock.now += 0.001  # the first is sent: room for one
    link.offer(PACKET)
    link.offer(PACKET)
    assert link.counters.dropped_queue == 2


def test_loss_drops_when_the_dice_say_so() -> None:
    clock = Clock()
    rolls = iter([0.01, 0.03, 0.019])
    link = Link(LinkSettings(loss_percent=2), clock=clock, chance=lambda: next(rolls))
    for name in (b"a", b"b", b"c"):
        link.offer(name)
    assert link.release() == [b"b"]
    assert link.counters.dropped_loss == 2


def test_loss_rate_over_many_packets() -> None:
    link = Link(LinkSettings(loss_percent=2), clock=Clock(), chance=random.Random(7).random)
    for _ in range(100_000):
        link.offer(b"x")
    assert 1.8 < link.counters.dropped_loss / 1000 < 2.2


def test_counters_count_what_was_delivered() -> None:
    clock = Clock()
    link = link_with(clock, delay_s=0.05)
    link.offer(PACKET)
    link.offer(b"tiny")
    assert (link.counters.packets, link.counters.bytes) == (0, 0)
    clock.now += 0.05
    link.release()
    assert (link.counters.packets, link.counters.bytes) == (2, 1504)


def test_a_shorter_delay_set_live_does_not_reorder() -> None:
    clock = Clock()
    link = link_with(clock, delay_s=0.150)
    link.offer(b"old")
    link.settings = LinkSettings(delay_s=0.025)
    link.offer(b"new")
    clock.now += 0.025
    assert link.release() == []
    clock.now += 0.125
    assert link.release() == [b"old", b"new"]
