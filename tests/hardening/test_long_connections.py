"""A connection a browser keeps: more requests on one HTTP/2 connection than the servers that
limit them allow (nginx's keepalive_requests, Hypercorn's keep_alive_max_requests: 1000 each
by default), a tile at a time, with a browser's number in flight. A server may end such a
connection, but gracefully (RFC 9113 6.8): GOAWAY with NO_ERROR, every request up to its last
stream ID answered, so the client retries only those above it on a new connection, knowing
they were not processed. Found by /race: the ninth race in one Firefox window lost most of
its HTTP/2 tiles to Hypercorn's stock 1000th request (docs/hardening.md)."""

import time

import pytest
from hyperframe.frame import SettingsFrame

import website
from abuse import AbusiveConnection, Verdict, http2_endpoints
from conformance import request as headers_frame
from conformance import window_update
from unharmed import record, unharmed

REQUESTS = 1100  # past the 1000 at which nginx and a stock Hypercorn end a connection
IN_FLIGHT = 20  # requests a browser keeps going on one connection, about
ANSWER_WAIT = 10.0  # seconds the server may take to answer the requests in flight
WHOLE_CONNECTION = 60.0  # seconds for all of it (by hand: 2-6 s)
LARGEST_WINDOW_INCREMENT = 2**31 - 1 - 65535  # the connection's window opened as far as it goes
TILE = next(iter(website.TILE_ASSETS))


def keep_requesting(client: AbusiveConnection, deadline: float) -> list[int]:
    """Request the tile REQUESTS times, IN_FLIGHT at a time, until done or the server says GOAWAY
    or hangs up (after which a client opens no new stream); the stream IDs sent."""
    headers = client.request_headers(TILE)
    sent: list[int] = []

    def in_flight(verdict: Verdict) -> int:  # the server ends or resets only streams sent here
        return len(sent) - len(verdict.ended | verdict.reset)

    while len(sent) < REQUESTS and not (client.verdict.goaway or client.closed) and time.monotonic() < deadline:
        batch = []
        for _ in range(min(IN_FLIGHT - in_flight(client.verdict), REQUESTS - len(sent))):
            sent.append(2 * len(sent) + 1)
            batch.append(headers_frame(client, sent[-1], headers))
        client.send(b"".join(batch))
        client.watch(ANSWER_WAIT, until=lambda verdict: in_flight(verdict) < IN_FLIGHT)
    return sent


@pytest.mark.parametrize("endpoint", http2_endpoints())
def test_a_long_connection_ends_without_losing_a_request(request, endpoint):
    with unharmed(endpoint), AbusiveConnection(endpoint) as client:
        client.server_settings()
        client.send(SettingsFrame(0, flags=["ACK"]).serialize() + window_update(0, LARGEST_WINDOW_INCREMENT))
        sent = keep_requesting(client, time.monotonic() + WHOLE_CONNECTION)
        verdict = client.verdict
        promised = [s for s in sent if verdict.last_stream_id is None or s <= verdict.last_stream_id]
        client.watch(ANSWER_WAIT, until=lambda v: all(s in v.ended | v.reset for s in promised))
        lost = [s for s in promised if s not in verdict.ended]
        seen = (
            f"{len(sent)} requests sent, {len(verdict.ended)} answered"
            + (f"; GOAWAY {verdict.goaway} after stream {verdict.last_stream_id}" if verdict.goaways else "")
            + (f"; {len(lost)} claimed but never answered" if lost else "")
        )
        record(request, endpoint.name, seen)
    assert (verdict.goaway in (None, "NO_ERROR")) and not lost and (verdict.goaways or len(sent) == REQUESTS), (
        f"{endpoint}: expected {REQUESTS} requests ({IN_FLIGHT} in flight) on one connection all answered, or a "
        f"GOAWAY NO_ERROR with every request at or below its last stream ID answered (RFC 9113 6.8), saw {seen} "
        f"({verdict}); streams left unanswered: {lost[:10]}"
    )
