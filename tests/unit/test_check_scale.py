"""bench/check.py's scale_problems: a well-formed cost and scale result passes; each gap is named."""

import pytest
from scale_sample import scale_run

from bench.check import SCALE, scale_problems
from bench.scale_report import flood_table


def test_a_well_formed_result_has_no_problems():
    found = scale_problems(scale_run())
    assert found == [], f"expected no problems, got {found}"


@pytest.mark.parametrize("key", SCALE)
def test_a_missing_section_is_reported_before_reading_on(key):
    scale = scale_run()
    del scale[key]
    found = scale_problems(scale)
    assert found == [f"bench.json: scale has no {key}"], f"expected only the missing {key}, got {found}"


def remove(rows: list[dict], **match) -> None:
    rows.remove(next(row for row in rows if all(row[key] == value for key, value in match.items())))


def test_a_missing_point_is_named():
    scale = scale_run()
    remove(scale["points"], label="8446", protocol="h2", connections=64)
    found = scale_problems(scale)
    assert found == ["scale 8446 h2 ×64: expected one row, found 0"], f"got {found}"


def test_a_point_that_served_nothing_is_named():
    scale = scale_run()
    point = next(p for p in scale["points"] if (p["label"], p["connections"]) == ("8451", 8))
    point |= {"succeeded": 0, "cpu_seconds_per_1000": None}
    found = scale_problems(scale)
    assert found == ["scale 8451 h2 ×8: no request succeeded"], f"got {found}"


@pytest.mark.parametrize("cost", [None, 0.0, -0.01])
def test_a_point_that_cost_no_cpu_beyond_idle_is_named(cost):
    scale = scale_run()
    next(p for p in scale["points"] if (p["label"], p["connections"]) == ("8448", 8))["cpu_seconds_per_1000"] = cost
    found = scale_problems(scale)
    assert len(found) == 1 and "scale 8448 h2 ×8: no CPU spent beyond idle" in found[0], f"got {found}"


def test_memory_where_no_connection_could_be_opened_is_named():
    scale = scale_run()
    memory = next(m for m in scale["memory"] if m["label"] == "8445")
    memory |= {"failed": 99, "open_with_many": 1, "bytes_per_connection": None}
    found = scale_problems(scale)
    assert found == ["memory 8445: not one idle connection beyond the first opened (99 failed)"], f"got {found}"


def test_memory_of_a_server_that_closed_its_idle_connections_early_is_a_finding_not_a_problem():
    scale = scale_run()
    memory = next(m for m in scale["memory"] if m["label"] == "8445")
    memory |= {"failed": 60, "open_with_many": 0, "bytes_per_connection": None}
    found = scale_problems(scale)
    assert found == [], f"expected no problem: 40 opened, then closed by the server; got {found}"


def test_a_missing_stock_variant_is_named():
    scale = scale_run()
    remove(scale["stock"], server="Granian ASGI", variant="stock")
    found = scale_problems(scale)
    assert found == ["stock Granian ASGI stock: expected one row, found 0"], f"got {found}"


def test_a_service_without_settings_and_an_endpoint_without_a_choice_row_are_named():
    scale = scale_run()
    del scale["settings"]["twisted_backend"]
    remove(scale["choice"], label="8450")
    found = scale_problems(scale)
    expected = ["scale settings: none for twisted_backend", "scale choice: expected one row for 8450, found 0"]
    assert found == expected, f"expected {expected}, got {found}"


def test_a_server_missing_from_the_floods_is_named():
    scale = scale_run()
    remove(scale["floods"], service="sanic_backend")
    found = scale_problems(scale)
    assert found == ["scale floods: expected one row for sanic_backend, found 0"], f"got {found}"


def test_the_flood_table_marks_memory_kept():
    table = flood_table(scale_run()["floods"])
    assert table.count("(kept)") == 3 and "3000" in table, table
