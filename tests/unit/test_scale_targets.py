"""bench/targets.py: what the scale run loads, who pays for it, and its plans."""

import re
from pathlib import Path

from bench.ceiling import CEILING_LABEL
from bench.targets import FULL, GRANIAN_OWN_FILES, QUICK, STOCK_CONNECTIONS, STOCK_PAIRS, SWEEP
from endpoints import ENDPOINTS, GRANIAN_FILES_ROUTE, STATIC_NGINX

COMPOSE = (Path(__file__).parents[2] / "compose.yaml").read_text()


def test_the_sweep_is_every_endpoint_and_static_nginx():
    ports = [target.port for target in SWEEP]
    expected = [endpoint.port for endpoint in (*ENDPOINTS, STATIC_NGINX)]
    assert ports == expected, f"expected the registry's ports {expected}, got {ports}"


def test_nginx_to_flask_costs_both_containers_and_the_rest_their_own():
    paying = {target.port: target.services for target in SWEEP}
    assert paying[8443] == paying[8447] == ("nginx", "flask_backend"), f"expected nginx and Flask, got {paying}"
    assert paying[8448] == ("nginx",), f"expected static nginx alone, got {paying[8448]}"
    assert paying[8450] == ("granian_quart",), f"expected Granian alone, got {paying[8450]}"


def test_quick_measures_http2_where_offered_and_full_every_protocol():
    baseline = next(target for target in SWEEP if target.port == 8447)
    hypercorn = next(target for target in SWEEP if target.port == 8444)
    seen = (QUICK.protocols(hypercorn), QUICK.protocols(baseline), FULL.protocols(hypercorn))
    assert seen == (("h2",), ("http/1.1",), ("h2", "http/1.1")), f"got {seen}"


def test_both_plans_reach_the_stock_comparisons_connections():
    for plan in (FULL, QUICK):
        assert STOCK_CONNECTIONS in plan.connections, f"expected {STOCK_CONNECTIONS} connections in {plan}"


def test_every_stock_variant_is_a_compose_service_of_the_stock_profile():
    for pair in STOCK_PAIRS:
        block = re.search(rf"^  {pair.stock.host}:.*?(?=^  \w|\Z)", COMPOSE, re.MULTILINE | re.DOTALL)
        assert block, f"expected a compose service {pair.stock.host} for {pair.server}"
        assert "profiles: [stock]" in block[0], f"expected {pair.stock.host} in the stock profile, got:\n{block[0]}"
        assert f"{pair.stock.port}" in block[0], f"expected {pair.stock.host} to listen on {pair.stock.port}"


def test_granians_own_static_route_is_the_one_compose_mounts_and_serves_the_tile():
    block = re.search(r"^  granian_flask:.*?(?=^  \w|\Z)", COMPOSE, re.MULTILINE | re.DOTALL)[0]
    mounted = (re.search(r"--static-path-route=(\S+)", block), re.search(r"--static-path-mount=(\S+)", block))
    assert all(mounted), f"expected granian_flask's command to mount a static route, got:\n{block}"
    route, folder = mounted[0][1], mounted[1][1]
    assert route == GRANIAN_FILES_ROUTE, f"expected compose's route {route} to be the registry's {GRANIAN_FILES_ROUTE}"
    served = GRANIAN_OWN_FILES.path.removeprefix(route)
    assert (folder, served) == ("/app/website/generated", "/tiles/r00c00.png"), f"got {folder} and {served}"
    assert GRANIAN_OWN_FILES not in SWEEP, "an own route is no way to serve the app: it stays out of the sweep's table"


def test_even_a_quick_run_measures_the_ceiling_over_every_protocol_a_point_uses():
    ceiling = next(target for target in SWEEP if target.label == CEILING_LABEL)
    used = {protocol for target in SWEEP for protocol in QUICK.protocols(target)}
    assert set(QUICK.protocols(ceiling)) >= used, f"expected the ceiling over {used}, got {QUICK.protocols(ceiling)}"
