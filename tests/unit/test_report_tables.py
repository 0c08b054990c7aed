"""bench/report.py: the terminal tables and chart names, from rows shaped as bench/run.py makes them."""

from bench.cases import PAGES
from bench.report import browser_table, chart_name, loss_table, page_load_table, upload_table
from endpoints import FAR_OFFSET
from network.profiles import PROFILES


def page_load_row(page, profile, far_port, protocol, mode, median_ms, bound_ms=100.0, connections=1, bytes_in=48128):
    """A row as run.summary() makes it: two runs, p95 10 ms over the median."""
    run = {"ms": median_ms, "connections": connections, "bytes_in": bytes_in, "bytes_out": 900}
    run |= {"requests": 4, "pushed": 0, "every_asset_once": True}
    return {
        "page": page,
        "profile": profile,
        "rtt_ms": PROFILES[profile].rtt_ms,
        "port": far_port - FAR_OFFSET,
        "far_port": far_port,
        "service": "nginx",
        "title": "an endpoint",
        "protocol": protocol,
        "mode": mode,
        "median_ms": median_ms,
        "p95_ms": median_ms + 10,
        "lower_bound_ms": bound_ms,
        "lower_bound_rtts": 2 if bound_ms else 0,
        "measured_over_bound": round(median_ms / bound_ms, 2) if bound_ms else None,
        "runs": [run, run],
    }


def line_of(table: str, *start: str) -> list[list[str]]:
    """The words of every line whose first words are `start`."""
    return [line.split() for line in table.splitlines() if line.split()[: len(start)] == list(start)]


def titles(table: str, heading: str) -> list[str]:
    return [line.split(" (")[0] for line in table.splitlines() if line.startswith(heading)]


def test_chart_name_says_page_and_profile_and_differs_for_each():
    assert chart_name("tiles", "slow4g") == "pageload-tiles-slow4g.png", f"got {chart_name('tiles', 'slow4g')}"
    names = [chart_name(page, profile) for page in PAGES for profile in PROFILES]
    assert len(set(names)) == len(names), f"expected a different chart per page and profile, got {names}"


def test_page_load_table_has_a_section_per_page_and_profile_in_run_order():
    rows = [
        page_load_row(page, profile, 9443, "h2", mode, 120.0)
        for page, profile in [("jumbotron", "slow4g"), ("jumbotron", "rtt50"), ("tiles", "slow4g")]
        for mode in ("warm", "cold")
    ]
    table = page_load_table(rows)
    expected = ["page loads: jumbotron, network slow4g", "page loads: jumbotron, network rtt50"]
    expected += ["page loads: tiles, network slow4g"]
    assert titles(table, "page loads:") == expected, f"expected {expected}, got {titles(table, 'page loads:')}"
    headers = line_of(table, "port", "protocol", "cold")
    assert len(headers) == 3, f"expected a column header under each section, got {headers} in:\n{table}"


def test_page_load_table_pairs_cold_and_warm_on_one_line_with_their_bounds():
    rows = [
        page_load_row("jumbotron", "rtt50", 9444, "h2", "warm", 61.2, bound_ms=100.0, connections=0, bytes_in=1024),
        page_load_row("jumbotron", "rtt50", 9443, "http/1.1", "cold", 212.5, bound_ms=250.0, connections=4),
        page_load_row("jumbotron", "rtt50", 9444, "h2", "cold", 160.4, bound_ms=200.0),
        page_load_row("jumbotron", "rtt50", 9443, "http/1.1", "warm", 105.0, bound_ms=125.0),
    ]
    table = page_load_table(rows)
    # far port, protocol; cold median / p95, bound, ÷bound; warm the same; the first cold run's connections, KB in
    expected = [
        ["9444", "h2", "160.4", "/", "170.4", "200", "×0.80", "61.2", "/", "71.2", "100", "×0.61", "1", "47"],
        ["9443", "http/1.1", "212.5", "/", "222.5", "250", "×0.85", "105.0", "/", "115.0", "125", "×0.84", "4", "47"],
    ]
    seen = line_of(table, "9444") + line_of(table, "9443")
    assert seen == expected, f"expected lines {expected}, got {seen} in:\n{table}"


def test_page_load_table_without_a_bound_shows_a_dash_for_the_ratio():
    rows = [page_load_row("jumbotron", "loopback", 9443, "h2", mode, 3.5, bound_ms=0.0) for mode in ("cold", "warm")]
    table = page_load_table(rows)
    expected = [["9443", "h2", "3.5", "/", "13.5", "0", "—", "3.5", "/", "13.5", "0", "—", "1", "47"]]
    assert line_of(table, "9443") == expected, f"expected {expected}, got {line_of(table, '9443')} in:\n{table}"


# rtt50 and two loss profiles on jumbotron; 9444 h3 has no loss1 row; warm rows, slow4g and a
# page without rtt50 are in the way and must not show.
LOSS_ROWS = [
    page_load_row("jumbotron", "rtt50", 9443, "h2", "cold", 120.0),
    page_load_row("jumbotron", "rtt50", 9443, "h2", "warm", 60.0),
    page_load_row("jumbotron", "loss1", 9443, "h2", "cold", 180.0),
    page_load_row("jumbotron", "loss1", 9443, "h2", "warm", 999.0),
    page_load_row("jumbotron", "slow4g", 9443, "h2", "cold", 900.0),
    page_load_row("jumbotron", "lossy", 9443, "h2", "cold", 240.0),
    page_load_row("jumbotron", "rtt50", 9444, "h3", "cold", 100.0),
    page_load_row("jumbotron", "lossy", 9444, "h3", "cold", 110.0),
    page_load_row("tiles", "lossy", 9443, "h2", "cold", 500.0),
]


def test_loss_table_compares_each_loss_profile_with_rtt50_cold():
    table = loss_table(LOSS_ROWS)
    assert titles(table, "loss:") == ["loss: jumbotron, cold median ms at rtt50 and with loss"], (
        f"expected one section, for the page measured at rtt50, got {titles(table, 'loss:')}"
    )
    header = line_of(table, "port", "protocol")
    assert header == [["port", "protocol", "rtt50", "loss1", "lossy"]], f"expected the profiles in order, got {header}"
    expected = [["9443", "h2", "120.0", "180.0", "×1.50", "240.0", "×2.00"]]
    assert line_of(table, "9443") == expected, f"expected {expected}, got {line_of(table, '9443')} in:\n{table}"


def test_loss_table_shows_a_dash_for_a_missing_cell():
    table = loss_table(LOSS_ROWS)
    expected = [["9444", "h3", "100.0", "—", "110.0", "×1.10"]]
    assert line_of(table, "9444") == expected, f"expected {expected}, got {line_of(table, '9444')} in:\n{table}"


def test_loss_table_keeps_its_columns_aligned_past_a_missing_cell():
    lines = {line.split()[0]: line for line in loss_table(LOSS_ROWS).splitlines() if line.strip()}
    lossy_column = {lines["9443"].index("240.0"), lines["9444"].index("110.0")}
    assert len(lossy_column) == 1, f"expected the lossy medians to start in one column, got {lossy_column}"


def test_loss_table_is_empty_without_rtt50_or_without_a_loss_profile():
    without_rtt50 = [row for row in LOSS_ROWS if row["profile"] != "rtt50"]
    without_loss = [row for row in LOSS_ROWS if row["profile"] in ("rtt50", "slow4g")]
    for rows in (without_rtt50, without_loss, []):
        profiles = sorted({row["profile"] for row in rows})
        assert loss_table(rows) == "", f"expected no table for profiles {profiles}, got:\n{loss_table(rows)}"


def test_browser_table_lists_every_load_with_its_profile_and_the_protocols_used():
    rows = [
        {"page": page, "profile": profile, "rtt_ms": PROFILES[profile].rtt_ms, "port": 8444, "far_port": 9444}
        | {"service": "quart_backend", "asked_for": asked, "protocols_used": used}
        | {"median_load_ms": median, "p95_load_ms": p95, "runs": []}
        for page, profile, asked, used, median, p95 in [
            ("jumbotron", "slow4g", "tcp", ["h2"], 180.2, 190.0),
            ("tiles", "lossy", "h3", ["h2", "h3"], 140.0, 155.5),
        ]
    ]
    table = browser_table(rows)
    assert line_of(table, "page", "network", "port", "asked"), f"expected the column header, got:\n{table}"
    expected = [
        ["jumbotron", "slow4g", "9444", "tcp", "180.2", "/", "190.0", "h2"],
        ["tiles", "lossy", "9444", "h3", "140.0", "/", "155.5", "h2,", "h3"],
    ]
    seen = line_of(table, "jumbotron") + line_of(table, "tiles")
    assert seen == expected, f"expected rows {expected}, got {seen} in:\n{table}"


def upload_row(port, protocol, window, **raised):
    row = {"profile": "rtt50", "body_bytes": 10_000_000, "port": port, "far_port": port + FAR_OFFSET}
    row |= {"protocol": protocol, "service": "nginx", "median_ms": 900.0, "megabytes_per_s": 11.1}
    return row | {"lower_bound_ms": 700.0, "measured_over_bound": 1.29, "window": window, "failed": []} | raised


def test_upload_table_names_what_a_raised_window_raises_and_how():
    rows = [upload_row(8443, "h3", 65_536), upload_row(8460, "h3", 1_048_576, raises=8443, setting="a 1m buffer")]
    table = upload_table(rows)
    [stock] = line_of(table, "9443", "h3")
    [raised] = line_of(table, "9460", "h3")
    assert "raised" not in stock, f"expected 9443's row to raise nothing, got {stock}"
    assert raised[-5:] == ["9443", "raised:", "a", "1m", "buffer"], f"expected 9460 to say it raises 9443, got {raised}"
    assert raised[6] == "1048576", f"expected the window on the wire beside it, got {raised}"
