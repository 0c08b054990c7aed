"""The least time a page load can take on a network: what physics imposes, printed
beside every measurement (measured ÷ bound says how close a stack comes).

    handshakes      TCP then TLS 1.3: 2 round trips cold; QUIC with TLS 1.3: 1; warm: 0
    request rounds  the page, then its assets, as many at a time as connections or streams allow
    slow start      a new connection's window starts at 10 packets and doubles each round
                    trip (RFC 6928 for TCP, RFC 9002 for QUIC): the bytes a connection
                    carries take at least that many rounds
    link rate       every byte in and out crosses the bottleneck once (each direction its own link)

A cold load takes max(request rounds, slow-start rounds) after its handshakes; a warm one
(connections open, windows grown) only its request rounds. On a slow link the bytes take
longer than those rounds: then the handshakes, one round trip for a request and its answer,
and the slower direction's bytes at its rate. The bound is the larger of the two; the two
overlap, so adding them would overstate it. Loss only ever adds to this.
"""

import math
from dataclasses import dataclass

TCP_INITIAL_WINDOW = 10 * 1448  # bytes: 10 segments of a 1500-byte MTU with TCP timestamps
# QUIC (RFC 9002 7.2): ten datagrams, at most the larger of 14,720 bytes and two datagrams. A
# sender whose datagrams fill a 1500-byte path (1472 bytes) starts at 14,720, as nginx does: a
# bound of 10 × 1200 was beaten by nginx's HTTP/3 (×0.96, 2026-12-06).
QUIC_INITIAL_WINDOW = 14_720


@dataclass(frozen=True)
class Load:
    """What one page load had to do, as the client counted it."""

    protocol: str  # "http/1.1", "h2", "h2+push", "h3"
    warm: bool
    assets: int  # assets the page links
    pushed: int  # of those, pushed by the server
    streams_per_round: int  # requests in flight at once: connections (HTTP/1.1) or streams
    connections: int  # connections carrying the load
    bytes_in: int  # on the wire, server to client
    bytes_out: int  # on the wire, client to server


@dataclass(frozen=True)
class Network:
    rtt_ms: float
    down_mbit: float = 0.0  # 0: unlimited
    up_mbit: float = 0.0


@dataclass(frozen=True)
class Bound:
    rtts: int  # round trips that cannot be avoided
    ms: float  # those round trips, plus the bytes at the link rate

    def ratio(self, measured_ms: float) -> float | None:
        """measured ÷ bound (None where the bound is 0: nothing to compare with)."""
        return measured_ms / self.ms if self.ms else None


def slow_start_rounds(bytes_carried: float, initial_window: int) -> int:
    """Round trips to deliver bytes_carried from a window that starts at initial_window and doubles."""
    if bytes_carried <= 0:
        return 0
    return math.ceil(math.log2(bytes_carried / initial_window + 1))


def request_rounds(load: Load) -> int:
    """The page, then the assets not pushed, streams_per_round at a time."""
    requested = load.assets - load.pushed
    return 1 + (math.ceil(requested / load.streams_per_round) if requested > 0 else 0)


def lower_bound(load: Load, network: Network) -> Bound:
    rounds, handshakes = request_rounds(load), 0
    if not load.warm:
        window = QUIC_INITIAL_WINDOW if load.protocol == "h3" else TCP_INITIAL_WINDOW
        per_connection = load.bytes_in / max(1, load.connections)
        handshakes = 1 if load.protocol == "h3" else 2
        rounds = handshakes + max(rounds, slow_start_rounds(per_connection, window))
    serialisation_ms = max(
        (
            bytes_ * 8 / (mbit * 1000)
            for bytes_, mbit in ((load.bytes_in, network.down_mbit), (load.bytes_out, network.up_mbit))
            if mbit
        ),
        default=0.0,
    )
    link_bound_ms = (handshakes + 1) * network.rtt_ms + serialisation_ms
    return Bound(rounds, max(rounds * network.rtt_ms, link_bound_ms))


def upload_bound(protocol: str, body_bytes: int, network: Network, window: int | None) -> Bound:
    """The least time a cold upload can take: its handshakes, then the body, then the answer's
    round trip. The body takes the longest of: the uplink carrying it; the rounds a new
    connection's congestion window needs to grow to carry it (slow start); and the rounds the
    server's flow control allows, `window` bytes a round trip at most (the most it ever let the
    client have unacknowledged; None where the protocol has none: HTTP/1.1 is TCP's alone)."""
    handshakes = 1 if protocol == "h3" else 2
    initial = QUIC_INITIAL_WINDOW if protocol == "h3" else TCP_INITIAL_WINDOW
    body_rounds = slow_start_rounds(body_bytes, initial)
    if window:
        body_rounds = max(body_rounds, math.ceil(body_bytes / window))
    link_ms = body_bytes * 8 / (network.up_mbit * 1000) if network.up_mbit else 0.0
    rounds = handshakes + body_rounds
    return Bound(rounds, max(rounds * network.rtt_ms, (handshakes + 1) * network.rtt_ms + link_ms))
