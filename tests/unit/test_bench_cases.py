"""The bench's cases and its lower bounds: what physics imposes on a page load (no network)."""

import pytest

from bench.bounds import QUIC_INITIAL_WINDOW, Load, Network, lower_bound, slow_start_rounds
from bench.cases import CASES

SMALL_PAGE = dict(bytes_in=10_000, bytes_out=2_000)  # fits a first window: no slow-start round of its own


@pytest.mark.parametrize(
    "protocol, warm, assets, pushed, per_round, connections, expected_rtts",
    [
        ("http/1.1", False, 120, 0, 6, 6, 2 + 1 + 20),  # TCP + TLS, the page, 20 rounds of 6
        ("http/1.1", True, 3, 0, 6, 1, 1 + 1),
        ("h2", False, 120, 0, 100, 1, 2 + 1 + 2),  # 100 streams at a time: 2 rounds
        ("h2", False, 3, 0, 128, 1, 2 + 1 + 1),
        ("h2+push", False, 3, 3, 100, 1, 2 + 1),  # every asset arrives with the page
        ("h3", False, 3, 0, 100, 1, 1 + 1 + 1),  # QUIC: one handshake round trip
        ("h3", True, 3, 0, 100, 1, 1 + 1),
    ],
)
def test_round_trips_of_handshakes_and_requests(protocol, warm, assets, pushed, per_round, connections, expected_rtts):
    load = Load(protocol, warm, assets, pushed, per_round, connections, **SMALL_PAGE)
    bound = lower_bound(load, Network(rtt_ms=50))
    assert (bound.rtts, bound.ms) == (expected_rtts, expected_rtts * 50), (
        f"{load}: expected {expected_rtts} RTT, got {bound}"
    )


@pytest.mark.parametrize(
    "bytes_carried, expected_rounds",
    [(0, 0), (14_480, 1), (14_481, 2), (43_440, 2), (225_000, 5), (1_000_000, 7)],
)
def test_slow_start_rounds_from_ten_packets_doubling(bytes_carried, expected_rounds):
    rounds = slow_start_rounds(bytes_carried, initial_window=10 * 1448)
    assert rounds == expected_rounds, f"{bytes_carried} bytes: expected {expected_rounds} rounds, got {rounds}"


def test_quic_starts_with_the_largest_window_rfc_9002_allows_so_the_bound_stays_a_bound():
    # nginx's HTTP/3 delivered the tiles (about 100 KB) in 4.8 round trips across 50 ms: a bound
    # of one handshake and four rounds (10 × 1200 bytes, doubling) would be beaten.
    tiles = Load("h3", warm=False, assets=120, pushed=0, streams_per_round=128, connections=1,
                 bytes_in=100_000, bytes_out=8_000)  # fmt: skip
    assert QUIC_INITIAL_WINDOW == 14_720, f"expected RFC 9002's 14,720 bytes, got {QUIC_INITIAL_WINDOW}"
    assert lower_bound(tiles, Network(50)).rtts == 1 + 3, "expected one handshake and three slow-start rounds"


def test_a_cold_big_download_pays_slow_start_not_just_request_rounds():
    stylesheet = Load(
        "h2", warm=False, assets=0, pushed=0, streams_per_round=100, connections=1, bytes_in=225_000, bytes_out=500
    )
    warm = Load(
        "h2", warm=True, assets=0, pushed=0, streams_per_round=100, connections=1, bytes_in=225_000, bytes_out=500
    )
    assert lower_bound(stylesheet, Network(50)).rtts == 2 + 5, "cold: TCP + TLS, then 5 slow-start rounds for 225 KB"
    assert lower_bound(warm, Network(50)).rtts == 1, "warm: the window is open, one request round"


def test_six_connections_share_the_bytes_for_slow_start():
    load = Load(
        "http/1.1",
        warm=False,
        assets=5,
        pushed=0,
        streams_per_round=6,
        connections=6,
        bytes_in=6 * 40_000,
        bytes_out=3_000,
    )
    assert lower_bound(load, Network(50)).rtts == 2 + 2, (
        "40 KB per connection: 2 slow-start rounds, as many as requests"
    )


def test_on_a_slow_link_the_bytes_bound_the_load():
    load = Load(
        "h2", warm=True, assets=0, pushed=0, streams_per_round=100, connections=1, bytes_in=200_000, bytes_out=10_000
    )
    bound = lower_bound(load, Network(rtt_ms=150, down_mbit=1.6, up_mbit=0.8))
    expected = 150 + 200_000 * 8 / 1600  # one round trip, and 1000 ms down (the 100 ms up run alongside)
    assert bound.ms == pytest.approx(expected), f"expected {expected} ms at 1.6/0.8 Mbit/s, got {bound.ms}"
    assert bound.ratio(2 * expected) == pytest.approx(2.0)


def test_rounds_and_bytes_overlap_the_bound_is_the_larger():
    """A cold HTTP/1.1 load of 120 tiles on 6 connections: 20 request rounds after 2 handshake
    rounds take longer than its 100 KB at 1.6 Mbit/s after 3 rounds; the rounds bound it."""
    load = Load(
        "http/1.1",
        warm=False,
        assets=120,
        pushed=0,
        streams_per_round=6,
        connections=6,
        bytes_in=100_000,
        bytes_out=20_000,
    )
    bound = lower_bound(load, Network(rtt_ms=150, down_mbit=1.6, up_mbit=0.75))
    assert (bound.rtts, bound.ms) == (2 + 21, pytest.approx(23 * 150)), f"got {bound}"


def test_every_endpoint_is_measured_over_http11_and_what_it_offers():
    measured = {(case.endpoint.port, case.protocol) for case in CASES}
    assert {(8447, "http/1.1"), (8443, "h3"), (8444, "h2+push"), (8445, "h2"), (8446, "h2")} <= measured
    assert (8447, "h2") not in measured and (8445, "h3") not in measured
