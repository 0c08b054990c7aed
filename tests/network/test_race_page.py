"""/race in headless Chromium (the bench container's), across the far network: the tiles
over HTTP/2 beat the tiles over HTTP/1.1, and the page names the network in force."""

import json

from endpoints import HTTP11_BASELINE, NGINX_FLASK
from far import network
from stack import compose


def test_race_page_shows_http2_beating_http11_across_the_far_network():
    with network("rtt50"):
        ran = compose("--profile", "bench", "run", "--rm", "--no-deps", "bench", "python3", "-m", "bench.race",
                      timeout=300, check=False)  # fmt: skip
    assert ran.returncode == 0, f"bench.race: expected the race to finish, saw: {ran.stderr[-2000:]}"
    race = json.loads(ran.stdout.strip().splitlines()[-1])
    lanes = {lane["port"]: lane for lane in race["lanes"]}
    baseline, contender = lanes[HTTP11_BASELINE.far_port], lanes[NGINX_FLASK.far_port]
    assert baseline["failed"] == contender["failed"] == 0, f"/race: expected every tile loaded, saw {race['lanes']}"
    assert contender["ms"] < baseline["ms"], (
        f"/race at rtt50: expected HTTP/2 ({NGINX_FLASK.far_port}) faster than HTTP/1.1 ({HTTP11_BASELINE.far_port}), "
        f"saw {contender['ms']} ms against {baseline['ms']} ms"
    )
    assert (race["profile"] or {}).get("name") == "rtt50" and "rtt50" in race["network_shown"], (
        f"/race: expected the page to name the network in force (rtt50), saw {race['network_shown']!r}"
    )
