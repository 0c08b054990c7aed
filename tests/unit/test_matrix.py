"""bench/matrix.py: the matrix is made from the runs' records; a missing or failed result is
shown as such, never as "works"."""

from bench.matrix import CONFORMANCE, FAILS, MISSING, NOT_OFFERED, WORKS, build, markdown
from endpoints import HYPERCORN_QUART, NGINX_FLASK, SANIC

ALPN = "tests/probes/test_alpn.py::test_selects_its_preferred_protocol_when_client_offers_h2_and_http11"


def cells(outcomes: dict, bench: dict | None, endpoint) -> dict:
    return dict(build(outcomes, bench))[endpoint]


def test_with_no_records_every_offered_feature_is_missing_and_nothing_works():
    for endpoint, row in build({}, None):
        outcomes = {code: cell.outcome for code, cell in row.items()}
        assert WORKS not in outcomes.values(), f"{endpoint}: expected no cell to work without records, got {outcomes}"
    assert cells({}, None, SANIC)["h2"].outcome == NOT_OFFERED  # Sanic offers no HTTP/2
    assert cells({}, None, NGINX_FLASK)["h2"].outcome == MISSING


def test_a_test_that_failed_makes_its_cell_fail_and_one_that_passed_work():
    outcomes = {f"{ALPN}[8443-nginx]": "passed", f"{ALPN}[8444-quart_backend]": "failed"}
    assert cells(outcomes, None, NGINX_FLASK)["h2"].outcome == WORKS
    assert cells(outcomes, None, HYPERCORN_QUART)["h2"].outcome == FAILS


def test_conformance_counts_its_rules_and_a_strict_xfail_is_a_rule_missed():
    outcomes = {
        f"{CONFORMANCE}[9113-6.5-a-8444-quart_backend]": "passed",
        f"{CONFORMANCE}[9113-6.5-b-8444-quart_backend]": "xfailed",
        f"{CONFORMANCE}[9113-6.5-a-8443-nginx]": "passed",
    }
    quart, nginx = cells(outcomes, None, HYPERCORN_QUART)["h2c"], cells(outcomes, None, NGINX_FLASK)["h2c"]
    assert (quart.outcome, quart.figure, nginx.outcome, nginx.figure) == (FAILS, "1/2", WORKS, "1/1")


def test_a_rate_the_harness_held_back_is_a_floor():
    point = {"label": "8443", "protocol": "h2", "connections": 64, "requests_per_second": 2000.0, "failed": 0}
    bench = {"scale": {"points": [point | {"verdict": "harness"}]}}
    assert cells({}, bench, NGINX_FLASK)["rps"].figure.startswith("≥2000*")


def test_the_page_names_its_sources_and_every_endpoint():
    page = markdown(build({}, None), ["make test, suite `probes`"])
    assert "make test, suite `probes`" in page and all(f"| {e.port} |" in page for e, _ in build({}, None))


def test_a_skipped_case_does_not_count_in_the_rules():
    outcomes = {f"{CONFORMANCE}[a-8443-nginx]": "passed", f"{CONFORMANCE}[b-8443-nginx]": "skipped"}
    assert cells(outcomes, None, NGINX_FLASK)["h2c"].figure == "1/1"


def test_priorities_are_judged_on_the_lab_client_s_order_not_chromium_s():
    row = {"case": "priorities", "port": 8443, "honoured": True}
    chromium_only = {"streams": [row | {"signal": "chromium"}]}
    assert cells({}, chromium_only, NGINX_FLASK)["prio"].outcome == MISSING
    both = {"streams": [row | {"signal": "chromium"}, row | {"signal": "rfc7540", "honoured": False}]}
    prio = cells({}, both, NGINX_FLASK)["prio"]
    assert (prio.outcome, prio.figure) == (FAILS, "none honoured"), f"got {prio}"


def test_a_negative_memory_figure_is_noise_not_a_saving():
    memory = {"label": "8443", "failed": 0, "bytes_per_connection": -120}
    assert cells({}, {"scale": {"memory": [memory]}}, NGINX_FLASK)["mem"].figure == "≈0 KB (below the noise)"
