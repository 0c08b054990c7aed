"""Priority signals are taken in stride: many requests on one connection, each marked with
RFC 9218's priority header or RFC 7540's PRIORITY information (an exclusive dependency on
the root, as Chromium sends), all answered 200 and whole. Whether a server also honours them
(the urgent one first) is measured across the far network by make bench (bench/streams.py)."""

import pytest

from clients.events import Origin
from clients.h2_order import SIGNALS, Ask, fetch_together
from lab import CA_FILE, HTTP2_ENDPOINTS
from served import site_bytes

STYLESHEET = "/static/css/bootstrap.min.css"
TILES = 20


@pytest.mark.parametrize("signal", SIGNALS)
@pytest.mark.parametrize("endpoint", HTTP2_ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_many_requests_with_priority_signals_all_answered_whole(endpoint, signal):
    tiles = [path for path in site_bytes(endpoint) if path.startswith("/static/tiles/")][:TILES]
    asks = [*(Ask(path, urgency=5) for path in tiles), Ask(STYLESHEET, urgency=0)]
    log = fetch_together(Origin(endpoint.host, endpoint.port, endpoint.host), asks, str(CA_FILE), signal=signal)
    received = {path: 0 for path in log.paths.values()}
    for frame in log.frames:
        received[log.paths[frame.stream]] += frame.length
    short = {path: n for path, n in received.items() if n != len(site_bytes(endpoint)[path])}
    statuses = set(log.statuses.values())
    assert statuses == {200} and not short, (
        f"{endpoint}: expected {len(asks)} requests with {signal} priority signals answered 200 and whole, "
        f"saw statuses {sorted(statuses)}, short bodies {short}"
    )
