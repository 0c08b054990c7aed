"""/race in the audience's browsers: headless Chromium and Firefox as `make browser HEADLESS=1`
starts them (the lab's profile, its CA trusted there and no certificate flag beyond it), across
the far network at rtt50, against the servers that speak HTTP/2 and HTTP/3. Each lane reports
the protocol the browser used: http/1.1 on the baseline, h2, and h3; each has the timing of all
120 tiles; and the browser reached nothing but the lab."""

import json
import subprocess

import pytest

from endpoints import ENDPOINTS, HTTP11_BASELINE, NGINX_FLASK
from far import network
from lab import ROOT
from website import tiles

BROWSERS = ["chromium", "firefox"]
# nginx and Hypercorn: an HTTP/2 lane and an HTTP/3 lane to the same server. (Sanic's HTTP/3
# has the probes and the far ports' tests; one more race in each browser costs 10 s.)
HTTP3_CONTENDERS = [endpoint for endpoint in ENDPOINTS if endpoint.http3 and endpoint.http2]
LAB_HOSTS = {"localhost", "127.0.0.1", "::1"}
TILE_TIMES = ("start", "request", "first_byte", "end")


def make_browser(browser: str, urls: list[str], profile) -> list[dict]:
    """make browser HEADLESS=1, as a person would type it: a JSON line for each URL."""
    done = subprocess.run(
        ["make", "--no-print-directory", "browser", "HEADLESS=1", f"BROWSER={browser}", f"URL={' '.join(urls)}",
         f"PROFILE_DIR={profile}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, (
        f"make browser HEADLESS=1 BROWSER={browser}: expected success, saw {done.stderr.strip()}"
    )
    return [json.loads(line) for line in done.stdout.strip().splitlines()[-len(urls) :]]


@pytest.fixture(scope="module")
def races(tmp_path_factory) -> dict:
    """(browser, contender's far port) -> what make browser HEADLESS=1 printed, at rtt50. One
    browser after the other: side by side, on 2 cores, each slowed the other's lanes by up to
    a second and a half, and HTTP/2 once lost to HTTP/1.1 for it."""
    urls = [f"https://localhost:{c.port}/race?contender={c.far_port}" for c in HTTP3_CONTENDERS]
    seen = {}
    with network("rtt50"):
        for browser in BROWSERS:
            printed = make_browser(browser, urls, tmp_path_factory.mktemp(browser))
            seen |= {(browser, c.far_port): race for c, race in zip(HTTP3_CONTENDERS, printed, strict=True)}
    return seen


CASES = [(browser, contender) for browser in BROWSERS for contender in HTTP3_CONTENDERS]
IDS = [f"{browser}-{contender.far_port}-{contender.service}" for browser, contender in CASES]


@pytest.mark.parametrize("browser, contender", CASES, ids=IDS)
def test_each_lane_says_the_protocol_the_browser_used(races, browser, contender):
    race = races[browser, contender.far_port]["race"]
    seen = [(lane["port"], lane["protocol"]) for lane in race["lanes"]]
    expected = [(HTTP11_BASELINE.far_port, "http/1.1"), (contender.far_port, "h2"), (contender.far_port, "h3")]
    assert seen == expected, (
        f"/race in {browser} against {contender.title}: expected lanes (port, protocol the browser reported) "
        f"{expected}, saw {seen}"
    )
    failed = [(lane["kind"], lane["failed"]) for lane in race["lanes"] if lane["failed"]]
    assert not failed, (
        f"/race in {browser} against {contender.title}: expected every tile loaded, lanes {failed} lost some"
    )


@pytest.mark.parametrize("browser, contender", CASES, ids=IDS)
def test_every_lane_has_the_timing_of_all_120_tiles(races, browser, contender):
    for lane in races[browser, contender.far_port]["race"]["lanes"]:
        named = sorted(tile["name"] for tile in lane["tiles"])
        ordered = [tile for tile in lane["tiles"] if 0 <= tile["request"] <= tile["first_byte"] <= tile["end"]]
        assert named == sorted(tiles.NAMES) and len(ordered) >= len(tiles.NAMES) - lane["failed"], (
            f"/race in {browser}, {lane['kind']} lane to {lane['port']}: expected the request, first byte and end "
            f"of each of the {len(tiles.NAMES)} tiles that loaded ({lane['failed']} failed), in order, "
            f"saw {len(named)} tiles, {len(ordered)} in order"
        )
        assert lane["connections"] >= 1 and lane["max_in_flight"] >= 1, f"{browser}: no connection grouping: {lane}"


@pytest.mark.parametrize("browser", BROWSERS)
def test_http2_beats_http11_and_the_page_names_the_network(races, browser):
    race = races[browser, NGINX_FLASK.far_port]["race"]
    lanes = {lane["kind"]: lane for lane in race["lanes"]}
    assert lanes["h2"]["ms"] < lanes["http/1.1"]["ms"], (
        f"/race in {browser} at rtt50: expected HTTP/2 faster than HTTP/1.1, "
        f"saw {lanes['h2']['ms']} ms against {lanes['http/1.1']['ms']} ms"
    )
    assert lanes["http/1.1"]["max_in_flight"] <= 6 < lanes["h2"]["max_in_flight"], (
        f"/race in {browser}: expected at most 6 HTTP/1.1 requests in flight and more over HTTP/2, "
        f"saw {lanes['http/1.1']['max_in_flight']} and {lanes['h2']['max_in_flight']}"
    )
    assert (race["profile"] or {}).get("name") == "rtt50" and "rtt50" in race["network_shown"], (
        f"/race in {browser}: expected the page to name the network in force (rtt50), saw {race['network_shown']!r}"
    )


@pytest.mark.parametrize("browser", BROWSERS)
def test_the_lab_profile_reaches_nothing_but_the_lab(races, browser):
    reached = set().union(*(races[browser, c.far_port]["hosts"] for c in HTTP3_CONTENDERS))
    assert reached and reached <= LAB_HOSTS, (
        f"make browser's {browser} profile: expected it to look up and connect to the lab only "
        f"({sorted(LAB_HOSTS)}), saw {sorted(reached)}"
    )
