"""bench/cost.py: CPU per 1000 requests net of idle, throughput per core, bytes per idle connection."""

import pytest

from bench.cost import bytes_per_connection, cpu_cost, requests_per_core_second


def test_cpu_per_1000_requests_is_net_of_the_idle_rate():
    cost = cpu_cost(requests=20_000, cpu_seconds=8.4, window_seconds=8.0, idle_cpu_per_second=0.05)
    expected = {
        "cpu_seconds": 8.4,
        "idle_cpu_seconds": 0.4,  # 0.05 CPU s per second of healthchecks, over 8 s
        "window_seconds": 8.0,
        "cpu_seconds_per_1000": 0.4,  # (8.4 - 0.4) / 20 000 × 1000
        "cores_busy": 1.0,  # 8 CPU s over 8 s
    }
    assert cost == expected, f"expected {expected}, got {cost}"


def test_no_request_has_no_cost_per_request():
    cost = cpu_cost(requests=0, cpu_seconds=0.3, window_seconds=2.0, idle_cpu_per_second=0.05)
    assert cost["cpu_seconds_per_1000"] is None, f"expected None for no request, got {cost}"


def test_a_window_quieter_than_idle_gives_a_negative_cost_for_the_check_to_report():
    cost = cpu_cost(requests=100, cpu_seconds=0.05, window_seconds=2.0, idle_cpu_per_second=0.05)
    assert cost["cpu_seconds_per_1000"] < 0, f"expected a negative cost, not hidden, got {cost}"


@pytest.mark.parametrize(
    "rate, cores, expected",
    [(10_000.0, 0.5, 20_000), (3_000.0, 1.5, 2_000), (100.0, 0.0, None), (100.0, -0.1, None)],
)
def test_requests_per_core_second(rate, cores, expected):
    seen = requests_per_core_second(rate, cores)
    assert seen == expected, f"expected {expected} for {rate} req/s on {cores} cores, got {seen}"


@pytest.mark.parametrize(
    "few, many, expected",
    [
        ((1, 50_000_000), (500, 60_000_000), 20_040),  # 10 MB over 499 connections
        ((1, 50_000_000), (251, 52_500_000), 10_000),  # half closed before the reading: 250 added
        ((1, 50_000_000), (1, 50_000_100), None),  # none stayed open
        ((1, 50_000_000), (500, 49_000_000), -2_004),  # the server gave memory back: reported as is
    ],
)
def test_bytes_per_connection(few, many, expected):
    seen = bytes_per_connection(few, many)
    assert seen == expected, f"expected {expected} from {few} and {many}, got {seen}"
