"""bench/throughput.py and measure/h2load.py: the h2load runs that fill a measured window, sized and added up."""

from pathlib import Path

import pytest

from bench.throughput import REQUESTS_PER_CONNECTION, requests_per_connection
from measure.h2load import STREAMS_PER_CONNECTION, base_command, parse_runs

SUMMARY = (Path(__file__).parent / "data" / "h2load-h2.txt").read_text()  # finished in 1.23s; 4990 of 5000 succeeded
URL = "https://172.30.250.11:8448/static/tiles/r00c00.png"


def request_log(*milliseconds: float) -> str:
    return "".join(f"1767225600000000\t200\t{round(ms * 1000)}\n" for ms in milliseconds)


@pytest.mark.parametrize(
    "protocol, expected_tail",
    [("h2", ["-m", str(STREAMS_PER_CONNECTION)]), ("http/1.1", ["--h1"])],
)
def test_http2_multiplexes_and_http11_sends_one_request_at_a_time(protocol, expected_tail):
    command = base_command(URL, protocol, 64)
    assert command[:3] == ["h2load", "-c", "64"], f"expected 64 connections first, got {command}"
    assert command[-len(expected_tail) :] == expected_tail, f"expected {expected_tail} at the end, got {command}"
    assert "-N" in command, f"expected an inactivity limit, so a stalled server ends the run, got {command}"


@pytest.mark.parametrize(
    "rate, connections, seconds, protocol, expected",
    [
        (1000.0, 16, 8, "h2", 500),  # what the window takes at the warm-up's rate: 8000 over 16
        (50_000.0, 1, 8, "h2", REQUESTS_PER_CONNECTION),  # never up to a server's per-connection limit
        (300.0, 256, 2, "h2", STREAMS_PER_CONNECTION),  # at least one round of streams
        (0.0, 256, 2, "h2", STREAMS_PER_CONNECTION),  # the warm-up saw nothing end
        (0.0, 64, 2, "http/1.1", 1),
    ],
)
def test_requests_per_connection_of_a_run(rate, connections, seconds, protocol, expected):
    seen = requests_per_connection(rate, connections, seconds, protocol)
    assert seen == expected, f"expected {expected} for {rate} req/s, {connections} connections, {seconds} s: {seen}"


def test_runs_add_up_counts_and_their_rate_is_over_their_summed_time():
    faster = SUMMARY.replace("finished in 1.23s", "finished in 770.00ms")
    measured = parse_runs([(SUMMARY, request_log(1.0, 3.0)), (faster, request_log(2.0, 4.0))])
    seen = (measured.requests, measured.succeeded, measured.failed, measured.requests_per_second)
    assert seen == (10_000, 9_980, 20, 4990.0), f"expected 9980 succeeded over 1.23 s + 0.77 s, got {seen}"


def test_percentiles_cover_the_requests_of_every_run():
    measured = parse_runs([(SUMMARY, request_log(*range(1, 51))), (SUMMARY, request_log(*range(51, 101)))])
    expected = {"p50": 50.0, "p90": 90.0, "p99": 99.0, "max": 100.0, "mean": 50.5}
    assert measured.latency_ms == expected, f"expected {expected}, got {measured.latency_ms}"


def test_no_run_means_nothing_was_served():
    measured = parse_runs([])
    seen = (measured.requests, measured.succeeded, measured.requests_per_second, measured.latency_ms)
    assert seen == (0, 0, 0.0, {}), f"expected an empty measurement, got {seen}"


def test_a_run_without_a_summary_raises():
    with pytest.raises(ValueError, match="no summary"):
        parse_runs([(SUMMARY, request_log(1.0)), ("starting benchmark...\n", request_log(1.0))])
