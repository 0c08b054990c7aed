"""Connection exhaustion: HELD connections opened at once and left silent part way in (after
the HTTP/2 preface, half way through the TLS handshake, in the middle of an HTTP/1.1 request).
Meanwhile a good client on a new connection must still get its 200 within a second or two,
and the server must stay up, healthy, with no crash in its logs."""

import pytest

from exhaustion import (
    AFTER_HALF_A_CLIENT_HELLO,
    AFTER_PARTIAL_REQUEST,
    AFTER_PREFACE,
    GOOD_CLIENT_PATIENCE,
    GOOD_CLIENT_TRIES,
    GOOD_ENOUGH,
    good_client_gets,
    held_connections,
    verdict,
)
from unharmed import record, tcp_endpoints, unharmed


def good_client_served(request, endpoint, stage, what: str) -> None:
    with unharmed(endpoint), held_connections(endpoint, stage) as held:
        outcomes = good_client_gets(endpoint)
        record(request, endpoint.name, f"{held}; good client: " + ", ".join(f"{s} in {t:.2f} s" for s, t in outcomes))
        assert verdict(outcomes) == "served", (
            f"{endpoint}: with {held} {what}, expected a good client's GET / on a new connection to get 200, "
            f"within {GOOD_CLIENT_PATIENCE} s {GOOD_ENOUGH} times of {GOOD_CLIENT_TRIES}, saw {outcomes}"
        )


@pytest.mark.parametrize(
    "endpoint",
    tcp_endpoints(
        http2_only=True,
    ),
)
def test_idle_after_preface(request, endpoint):
    good_client_served(request, endpoint, AFTER_PREFACE, "connections idle after the HTTP/2 preface")


@pytest.mark.parametrize(
    "endpoint",
    tcp_endpoints(),
)
def test_stalled_tls_handshake(request, endpoint):
    good_client_served(
        request, endpoint, AFTER_HALF_A_CLIENT_HELLO, "connections stalled half way through a ClientHello"
    )


@pytest.mark.parametrize(
    "endpoint",
    tcp_endpoints(),
)
def test_partial_request(request, endpoint):
    good_client_served(request, endpoint, AFTER_PARTIAL_REQUEST, "HTTP/1.1 requests left without their blank line")
