"""Medians and percentiles over a case's runs: one formula for every table."""

import math
import statistics


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def p95(values: list[float]) -> float:
    return percentile(values, 0.95)
