"""Unit tests of the bench's round-trip lower bounds (no network)."""

import pytest

from bench.cases import CASES, lower_bound_rtts


@pytest.mark.parametrize(
    "protocol, warm, assets, pushed, per_round, expected",
    [
        ("http/1.1", False, 120, 0, 6, 2 + 1 + 20),  # TCP + TLS, the page, 20 rounds of 6
        ("http/1.1", True, 3, 0, 6, 1 + 1),
        ("h2", False, 120, 0, 100, 2 + 1 + 2),  # 100 streams at a time: 2 rounds
        ("h2", False, 3, 0, 128, 2 + 1 + 1),
        ("h2+push", False, 3, 3, 100, 2 + 1),  # every asset arrives with the page
        ("h3", False, 3, 0, 100, 1 + 1 + 1),  # QUIC: one handshake round trip
        ("h3", True, 3, 0, 100, 1 + 1),
    ],
)
def test_lower_bound_rtts(protocol, warm, assets, pushed, per_round, expected):
    assert lower_bound_rtts(protocol, warm, assets, pushed, per_round) == expected


def test_every_endpoint_is_measured_over_http11_and_what_it_offers():
    measured = {(case.endpoint.port, case.protocol) for case in CASES}
    assert {(8447, "http/1.1"), (8443, "h3"), (8444, "h2+push"), (8445, "h2"), (8446, "h2")} <= measured
    assert (8447, "h2") not in measured and (8445, "h3") not in measured
