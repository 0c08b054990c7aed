"""bench/ceiling.py: a server's requests/s are published only when the load generator's ceiling,
measured in the same run, is MARGIN times them or more; otherwise the harness was the limit."""

import pytest

from bench.ceiling import CEILING_LABEL, MARGIN, judged, machine_cores_busy, published_rate


def point(label: str, rate: float, protocol: str = "h2", connections: int = 64) -> dict:
    return {"label": label, "protocol": protocol, "connections": connections, "requests_per_second": rate}


@pytest.mark.parametrize(
    ("rate", "verdict"),
    [(1000, "published"), (32_000 / MARGIN, "published"), (32_000 / MARGIN + 1, "harness"), (20_000, "harness")],
)
def test_a_point_is_published_only_with_the_ceiling_margin_times_above_it(rate, verdict):
    ceiling = point(CEILING_LABEL, 32_000)
    server = judged([ceiling, point("8449", rate)], [ceiling, point("8449", rate)])[1]
    assert (server["verdict"], server["ceiling_requests_per_second"]) == (verdict, 32_000), server
    assert published_rate(server) == (rate if verdict == "published" else None)


def test_a_point_without_a_ceiling_at_its_protocol_and_connections_is_never_published():
    points = [point(CEILING_LABEL, 32_000, "h2", 64), point("8444", 10, "h2", 256), point("8444", 10, "http/1.1", 64)]
    verdicts = [(row["label"], row["verdict"], row["ceiling_requests_per_second"]) for row in judged(points, points)]
    assert verdicts == [(CEILING_LABEL, "ceiling", 32_000), ("8444", "harness", None), ("8444", "harness", None)]


def test_stock_rows_are_judged_against_the_sweeps_ceiling():
    points = [point(CEILING_LABEL, 30_000)]
    stock = [point("stock_hypercorn", 2_000) | {"variant": "stock"}]
    assert judged(stock, points)[0]["verdict"] == "published"


def test_the_machines_busy_cores_come_from_its_tick_counters():
    assert machine_cores_busy((100, 1000), (130, 1100), cores=2) == 0.6
    assert machine_cores_busy((100, 1000), (100, 1000), cores=2) == 0.0
