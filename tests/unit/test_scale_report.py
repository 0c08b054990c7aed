"""bench/scale_report.py: the cost and scale tables, from a result shaped as bench/scale.py writes it."""

from scale_sample import scale_run

from bench.scale_report import choice_table, memory_table, points_table, stock_table, tables


def words_of(table: str, *start: str) -> list[list[str]]:
    return [line.split() for line in table.splitlines() if line.split()[: len(start)] == list(start)]


def test_points_table_says_the_machine_and_lists_every_point():
    scale = scale_run()
    table = points_table(scale["points"], scale["meta"])
    assert "on 2 cores that h2load and the servers share these cores" in table, f"expected the caveat, got:\n{table}"
    assert len(words_of(table, "8449", "h2")) == 4, f"expected 8449 at 1, 8, 64 and 256 connections, got:\n{table}"
    expected = ["8449", "h2", "64", "64000", "1.00", "3.00", "0", "0.4000", "2500"]
    assert expected in words_of(table, "8449"), f"expected the row {expected}, got:\n{table}"


def test_a_point_that_served_nothing_shows_dashes_not_a_crash():
    scale = scale_run()
    scale["points"][0] |= {"requests_per_second": 0.0, "latency_ms": {}, "cpu_seconds_per_1000": None}
    scale["points"][0] |= {"requests_per_core_second": None}
    row = words_of(points_table(scale["points"], scale["meta"]), scale["points"][0]["label"])[0]
    assert row[3:9] == ["0", "—", "—", "0", "—", "—"], f"expected dashes for what was not measured, got {row}"


def test_a_point_the_harness_held_back_is_shown_as_a_floor_with_the_background_beside_it():
    scale = scale_run()
    held = next(p for p in scale["points"] if (p["label"], p["protocol"], p["connections"]) == ("8449", "h2", 64))
    held["verdict"] = "harness"
    table = points_table(scale["points"], scale["meta"], scale["background"])
    assert ["8449", "h2", "64", "≥64000*"] == words_of(table, "8449", "h2", "64")[0][:4], table
    assert "the harness was the limit" in table and "the lab's containers 0.3 cores" in table, table


def test_memory_table_in_mebibytes_and_bytes_per_connection():
    table = memory_table(scale_run()["memory"])
    row = words_of(table, "8444")[0]
    assert row[:8] == ["8444", "1", "→", "100", "0", "40.0", "41.9", "20000"], f"got {row} in:\n{table}"


def test_stock_table_states_each_variants_settings_under_its_numbers():
    scale = scale_run()
    scale["settings"]["quart_backend"] = {"command": ["python3", "serve.py"], "file": "quart_backend/hypercorn.toml"}
    scale["settings"]["quart_backend"]["settings"] = ["workers = 1", 'accesslog = "-"']
    lines = stock_table(scale["stock"], scale["settings"], 64).splitlines()
    at = next(i for i, line in enumerate(lines) if line.split()[:2] == ["Hypercorn", "lab"])
    assert lines[at + 1].strip() == 'quart_backend/hypercorn.toml: workers = 1; accesslog = "-"', lines[at + 1]
    assert lines[at + 3].strip() == "serve stock_hypercorn", f"expected the stock command, got {lines[at + 3]}"


def test_choice_table_marks_what_each_offers():
    table = choice_table(scale_run()["choice"])
    hypercorn, twisted = words_of(table, "8444")[0], words_of(table, "8446")[0]
    assert hypercorn[7:10] == ["yes", "yes", "yes"], f"expected push, 103 and h3 at 8444, got {hypercorn}"
    assert twisted[7:10] == ["—", "—", "—"], f"expected none at 8446, got {twisted}"
    assert "twisted (version unknown)" in table, f"expected the version said even when unknown, got:\n{table}"


def test_tables_has_all_four():
    text = tables(scale_run())
    for heading in ("throughput and cost vs connections", "memory per idle", "stock against", "which should I use?"):
        assert heading in text, f"expected {heading!r} in:\n{text}"
