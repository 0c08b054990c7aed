"""measure/h2load.py's parse: h2load's summary and its --log-file, read without running h2load."""

from pathlib import Path

import pytest

from measure.h2load import parse

SUMMARY = (Path(__file__).parent / "data" / "h2load-h2.txt").read_text()  # h2load 1.64, -n 5000 -c 8 -m 8
START_US = 1_767_225_600_000_000  # --log-file: start (µs since the epoch), status, duration (µs), tab-separated


def request_log(*lines: tuple[int, int]) -> str:
    return "".join(f"{START_US + 1000 * n}\t{status}\t{micros}\n" for n, (status, micros) in enumerate(lines))


def test_counts_and_rate_come_from_the_summary():
    measured = parse(SUMMARY, request_log((200, 1500)))
    seen = (measured.requests, measured.succeeded, measured.failed, measured.requests_per_second)
    assert seen == (5000, 4990, 10, 4061.25), (
        f"expected (5000 requests, 4990 succeeded, 10 failed, 4061.25 req/s), got {seen}"
    )


def test_latency_percentiles_in_milliseconds_from_the_log():
    durations_us = [1000 * n for n in range(100, 0, -1)]  # 100 ms down to 1 ms, out of order as h2load writes them
    measured = parse(SUMMARY, request_log(*[(200, micros) for micros in durations_us]))
    expected = {"p50": 50.0, "p90": 90.0, "p99": 99.0, "max": 100.0, "mean": 50.5}
    assert measured.latency_ms == expected, f"expected {expected}, got {measured.latency_ms}"


def test_latency_is_rounded_to_hundredths_of_a_millisecond():
    measured = parse(SUMMARY, request_log((200, 1234), (200, 5678)))
    expected = {"p50": 1.23, "p90": 5.68, "p99": 5.68, "max": 5.68, "mean": 3.46}
    assert measured.latency_ms == expected, f"expected {expected}, got {measured.latency_ms}"


def test_informational_responses_are_not_timed():
    log = request_log((103, 900_000), (200, 2000), (100, 800_000), (404, 4000))
    measured = parse(SUMMARY, log)
    assert measured.latency_ms["max"] == 4.0, (
        f"expected 103 and 100 lines left out (max 4.0 ms), got {measured.latency_ms}"
    )
    assert measured.latency_ms["mean"] == 3.0, f"expected the mean of 2 and 4 ms, got {measured.latency_ms}"


def test_blank_and_short_log_lines_are_skipped():
    log = "\n" + request_log((200, 3000)) + "truncated\t20\n"
    measured = parse(SUMMARY, log)
    assert measured.latency_ms["p50"] == 3.0, f"expected the one whole line (3 ms), got {measured.latency_ms}"


def test_as_dict_has_what_bench_json_stores():
    row = parse(SUMMARY, request_log((200, 1000))).as_dict()
    expected = {"requests", "succeeded", "failed", "requests_per_second", "latency_ms"}
    assert set(row) == expected, f"expected keys {sorted(expected)}, got {sorted(row)}"


@pytest.mark.parametrize(
    "output, log",
    [
        ("", request_log((200, 1000))),  # h2load printed nothing
        ("starting benchmark...\nNo protocol negotiated. Aborted.\n", request_log((200, 1000))),
        (SUMMARY.replace("finished in", "ended in"), request_log((200, 1000))),  # no rate
        (SUMMARY.replace("requests: 5000 total", "requests: 5000"), request_log((200, 1000))),  # no counts
        (SUMMARY, ""),  # no request timed
        (SUMMARY, request_log((103, 1000))),  # only an informational response
    ],
    ids=["empty", "aborted", "no-rate", "no-counts", "empty-log", "only-1xx"],
)
def test_without_a_summary_or_a_timed_request_it_raises_naming_the_problem(output, log):
    with pytest.raises(ValueError, match="no summary or no timed request") as raised:
        parse(output, log)
    assert output in str(raised.value), f"expected h2load's own output in the error, got {raised.value}"
