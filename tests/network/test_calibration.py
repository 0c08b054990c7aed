"""The far network against physics: what a TCP, TLS or QUIC endpoint must see when every
packet crosses a link of the profile's round trip, rate and loss. A relay that ends
TCP (the bench's old one) fails these: it answers SYNs at once and hides slow start.

Timings are medians of a few tries; tolerances are the issue's (±15 % on round trips,
±10 % on rate, ±1 point on loss).
"""

import math
import socket
import ssl
import statistics
import time

import pytest

from clients.tls import client_context, open_tls
from far import network, quic_version_probe, status, udp_socket
from lab import CA_FILE, HTTP11_BASELINE, NGINX_FLASK

STYLESHEET = "/static/css/bootstrap.min.css"  # 225 KB: a fresh connection needs 5 windows for it


def handshake_seconds(host: str, port: int) -> float:
    """TCP connect, then a TLS 1.3 handshake that verifies the chain."""
    started = time.perf_counter()
    with open_tls(host, port, client_context(str(CA_FILE))):
        return time.perf_counter() - started


def udp_round_trip_seconds(host: str, port: int) -> float:
    with udp_socket() as probe:
        probe.settimeout(5)
        started = time.perf_counter()
        probe.sendto(quic_version_probe(port), (host, port))
        probe.recvfrom(2048)
        return time.perf_counter() - started


def median_of(measure, tries: int = 5) -> float:
    return statistics.median(measure() for _ in range(tries))


def get_request(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: h2lab-calibration\r\n\r\n".encode()


def read_response(tls: ssl.SSLSocket, buffered: bytes = b"") -> tuple[bytes, bytes]:
    """One HTTP/1.1 response with a Content-Length: (its bytes, what came after it)."""
    while b"\r\n\r\n" not in buffered:
        buffered += tls.recv(65536)
    head, _, rest = buffered.partition(b"\r\n\r\n")
    length = int(
        next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
    )
    while len(rest) < length:
        rest += tls.recv(65536)
    return head + b"\r\n\r\n" + rest[:length], rest[length:]


def fresh_download_seconds(host: str, port: int, path: str) -> tuple[float, int]:
    """From the first SYN to the last byte of path over a new connection: (seconds, body bytes)."""
    started = time.perf_counter()
    with open_tls(host, port, client_context(str(CA_FILE), ["http/1.1"])) as tls:
        tls.sendall(get_request(path))
        response, _ = read_response(tls)
        return time.perf_counter() - started, len(response.partition(b"\r\n\r\n")[2])


@pytest.mark.parametrize("profile", ["rtt50", "slow4g"])
def test_tls_handshake_through_a_far_port_takes_two_round_trips(profile):
    endpoint = NGINX_FLASK
    with network(profile) as settings:
        seconds = median_of(lambda: handshake_seconds(endpoint.far_host, endpoint.far_port))
    expected = 2 * settings["rtt_ms"] / 1000
    assert abs(seconds - expected) <= 0.15 * expected, (
        f"{endpoint.far_host}:{endpoint.far_port} at {profile}: expected TCP + TLS 1.3 in 2 RTT "
        f"({expected * 1000:.0f} ms ±15 %), saw {seconds * 1000:.1f} ms"
    )


def test_tls_handshake_on_a_near_port_takes_no_round_trip():
    endpoint = NGINX_FLASK
    with network("rtt50") as settings:
        seconds = median_of(lambda: handshake_seconds(endpoint.host, endpoint.port))
    # Through the far network it takes 2 RTT (100 ms); one delayed packet would add half an
    # RTT at least. Below that is loopback on a busy 2-core machine (3-8 ms seen).
    assert seconds < 0.5 * settings["rtt_ms"] / 1000, (
        f"{endpoint}: expected the near port untouched by the far network's {settings['rtt_ms']:g} ms "
        f"(a handshake under half of it), saw a {seconds * 1000:.1f} ms handshake"
    )


def test_udp_round_trip_through_a_far_port_takes_one_round_trip():
    endpoint = NGINX_FLASK
    with network("rtt50") as settings:
        seconds = median_of(lambda: udp_round_trip_seconds(endpoint.far_host, endpoint.far_port), tries=9)
    expected = settings["rtt_ms"] / 1000
    assert abs(seconds - expected) <= 0.15 * expected, (
        f"udp {endpoint.far_host}:{endpoint.far_port}: expected a QUIC version negotiation round trip in "
        f"{settings['rtt_ms']:g} ms ±15 %, saw {seconds * 1000:.1f} ms"
    )


def test_a_fresh_connection_pays_slow_start_for_the_stylesheet():
    endpoint = HTTP11_BASELINE
    with network("rtt50") as settings:
        seconds, size = median_of(lambda: fresh_download_seconds(endpoint.far_host, endpoint.far_port, STYLESHEET), 3)
    round_trips = seconds / (settings["rtt_ms"] / 1000)
    # 2 for TCP and TLS, 1 for the request, then windows of 10, 20, 40, 80 packets: 5 rounds for 225 KB.
    assert size > 200_000 and 5 <= round_trips <= 12, (
        f"{endpoint.far_host}:{endpoint.far_port}{STYLESHEET} ({size} bytes) over a new connection at "
        f"{settings['rtt_ms']:g} ms: expected at least 5 round trips (handshakes, request, slow start), "
        f"saw {round_trips:.1f} ({seconds * 1000:.0f} ms)"
    )


def test_the_link_rate_is_met_on_a_large_transfer():
    """Six stylesheets pipelined on a warm connection keep a 16 Mbit/s link busy: the bytes
    the emulator delivered, over the time they took, are the rate."""
    endpoint = HTTP11_BASELINE
    with network("--rtt", "20", "--down", "16", "--up", "16") as settings:
        with open_tls(endpoint.far_host, endpoint.far_port, client_context(str(CA_FILE), ["http/1.1"])) as tls:
            tls.sendall(get_request(STYLESHEET))
            read_response(tls)  # the window grows: not measured
            delivered_before = status()["counters"]["down"]["bytes"]
            tls.sendall(get_request(STYLESHEET) * 6)
            rest = tls.recv(65536)
            started = time.perf_counter()
            for _ in range(6):
                _, rest = read_response(tls, rest)
            seconds = time.perf_counter() - started
            delivered = status()["counters"]["down"]["bytes"] - delivered_before
    mbit_per_second = delivered * 8 / seconds / 1e6
    assert abs(mbit_per_second - settings["down_mbit"]) <= 0.10 * settings["down_mbit"], (
        f"{endpoint.far_host}:{endpoint.far_port}: expected the downlink at {settings['down_mbit']:g} Mbit/s ±10 %, "
        f"saw {mbit_per_second:.2f} Mbit/s ({delivered} bytes in {seconds:.2f} s)"
    )


def test_random_loss_is_met_on_each_direction():
    """2000 probes, each answered unless the probe or its answer is lost: delivery both
    ways is (1 - loss)², so one way's loss is 1 - √(answered / sent)."""
    endpoint = NGINX_FLASK
    sent, answered = 2000, 0
    with network("lossy") as settings, udp_socket() as probe:
        probe.setblocking(False)
        for _ in range(sent):
            probe.sendto(quic_version_probe(endpoint.far_port), (endpoint.far_host, endpoint.far_port))
            answered += _drain(probe)
            time.sleep(0.001)
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            answered += _drain(probe)
            time.sleep(0.01)
    loss_percent = 100 * (1 - math.sqrt(answered / sent))
    assert abs(loss_percent - settings["loss_percent"]) <= 1.0, (
        f"udp {endpoint.far_host}:{endpoint.far_port} at lossy: expected {settings['loss_percent']:g} % loss each way "
        f"±1 point, saw {loss_percent:.2f} % ({answered} of {sent} probes answered)"
    )


def _drain(probe: socket.socket) -> int:
    count = 0
    while True:
        try:
            probe.recvfrom(2048)
            count += 1
        except BlockingIOError:
            return count
