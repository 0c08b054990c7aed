"""measure/stats.py: the median and the nearest-rank percentiles every bench table prints."""

import pytest

from measure.stats import median, p95, percentile


@pytest.mark.parametrize(
    "values, expected",
    [
        ([7.0], 7.0),
        ([3.0, 1.0, 2.0], 2.0),
        ([4.0, 1.0, 3.0, 2.0], 2.5),  # even length: the mean of the middle two
        ([10.0, 10.0, 1000.0], 10.0),  # an outlier does not move it
    ],
)
def test_median_of_small_lists(values, expected):
    assert median(values) == expected, f"expected median({values}) = {expected}, got {median(values)}"


@pytest.mark.parametrize(
    "values, fraction, expected",
    [
        ([5.0], 0.5, 5.0),
        ([5.0], 0.99, 5.0),
        ([1.0, 2.0, 3.0, 4.0], 0.5, 2.0),  # nearest rank: a value from the list, never an interpolation
        ([1.0, 2.0, 3.0, 4.0], 0.75, 3.0),
        ([1.0, 2.0, 3.0, 4.0], 0.76, 4.0),
        ([1.0, 2.0, 3.0, 4.0], 1.0, 4.0),
        ([1.0, 2.0, 3.0, 4.0], 0.0, 1.0),
        ([40.0, 10.0, 30.0, 20.0, 50.0], 0.9, 50.0),  # unsorted input
        ([40.0, 10.0, 30.0, 20.0, 50.0], 0.4, 20.0),
    ],
)
def test_percentile_is_the_nearest_rank(values, fraction, expected):
    seen = percentile(values, fraction)
    assert seen == expected, f"expected percentile({values}, {fraction}) = {expected}, got {seen}"


def test_p95_of_20_runs_is_the_19th_smallest():
    runs = [float(n) for n in range(20, 0, -1)]  # 20.0 down to 1.0
    assert p95(runs) == 19.0, f"expected the 19th smallest of 1..20 (19.0), got {p95(runs)}"


@pytest.mark.parametrize("count, rank", [(1, 1), (5, 5), (10, 10), (21, 20), (40, 38), (100, 95)])
def test_p95_rank_for_run_counts(count, rank):
    runs = [float(n) for n in range(1, count + 1)]
    assert p95(runs) == float(rank), f"expected p95 of {count} runs to be the value of rank {rank}, got {p95(runs)}"


def test_percentile_leaves_its_input_in_place():
    values = [3.0, 1.0, 2.0]
    percentile(values, 0.5)
    assert values == [3.0, 1.0, 2.0], f"expected the caller's list untouched, got {values}"
