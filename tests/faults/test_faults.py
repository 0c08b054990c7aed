"""Faults, provoked for real: a backend down, a service restarted under load, a
graceful stop. These stop and restart containers, so they run after every other
probe (make test runs tests/faults/ last) and leave the stack healthy.

They run side by side, one worker for each endpoint's service (make faults): a fault
is in the group of the service whose endpoint sees it (flask_backend's are nginx's), and
containers are stopped and started by the docker CLI, one container each (stack.py).
"""

import re
import threading
import time

import h2.events
import httpx
import pytest

from clients.http2 import get_headers, new_connection
from lab import ENDPOINTS, H2_BY_HAND, HYPERCORN_QUART, NGINX_FLASK, ROOT
from quic_abuse import IdleHttp3Client, body_after_the_response, http3_answers
from stack import (
    container_state,
    health_log,
    restart,
    restarted_and_healthy,
    run_in,
    servers,
    services,
    stop,
    wait_healthy,
)
from wire import http_client, open_tls, tls_context

QUICK_REPLY = 5.0  # seconds: slower than this is a hang
# A client gives up on a connection that does not open (TCP and TLS) within this,
# as browsers do; while a container restarts, Docker's userland proxy may accept
# a connection it cannot pass on yet.
CONNECT_TIMEOUT = 3.0
by_service: dict = {}
for _endpoint in ENDPOINTS:
    by_service.setdefault(_endpoint.service, _endpoint)  # nginx: 8443, not the baseline


def seen_at(service: str):
    """The endpoint where a fault of the service shows: its own, or nginx's for flask_backend."""
    return by_service.get(service, NGINX_FLASK)


def in_group_of(service: str, *marks) -> object:
    """The service as a parameter, in the xdist group of the service whose endpoint sees it."""
    return pytest.param(service, marks=[pytest.mark.xdist_group(seen_at(service).service), *marks])


@pytest.mark.xdist_group(NGINX_FLASK.service)
def test_nginx_says_502_quickly_while_flask_is_down_then_recovers_by_itself():
    stop("flask_backend")
    try:
        started = time.monotonic()
        with http_client(NGINX_FLASK, http2=True) as client:
            response = client.get("/")
        elapsed = time.monotonic() - started
        seen = (
            response.status_code,
            elapsed < QUICK_REPLY,
            "flask_backend" in response.text,
            len(response.content) < 512,
        )
        assert seen == (502, True, True, True), (
            f"{NGINX_FLASK}/ with flask_backend stopped: expected a short 502 naming flask_backend within "
            f"{QUICK_REPLY} s, saw {response.status_code} after {elapsed:.1f} s: {response.text[:200]!r}"
        )
    finally:
        wait_healthy("flask_backend")
    with http_client(NGINX_FLASK, http2=True) as client:
        status = client.get("/").status_code
    assert status == 200, (
        f"{NGINX_FLASK}/: expected 200 once flask_backend is back, with no reload of nginx, saw {status}"
    )


class LightLoad(threading.Thread):
    """GET / about 10 times a second, each on a new connection, for a bounded time."""

    def __init__(self, endpoint, seconds: float = 60) -> None:
        super().__init__(daemon=True)
        self.endpoint, self.deadline = endpoint, time.monotonic() + seconds
        self.outcomes: list[tuple[str, float]] = []  # (status or error, seconds it took)
        self.stop = threading.Event()
        self.first = threading.Event()  # set once the first request has its outcome

    def run(self) -> None:
        while not self.stop.is_set() and time.monotonic() < self.deadline:
            started = time.monotonic()
            try:
                with http_client(self.endpoint, http2="h2" in self.endpoint.protocols) as client:
                    outcome = str(
                        client.get("/", timeout=httpx.Timeout(2 * QUICK_REPLY, connect=CONNECT_TIMEOUT)).status_code
                    )
            except Exception as error:  # noqa: BLE001 - a clean failure is an outcome
                outcome = type(error).__name__
            self.outcomes.append((outcome, time.monotonic() - started))
            self.first.set()
            self.stop.wait(0.1)


@pytest.mark.parametrize("service", [in_group_of(service) for service in servers()])
def test_restart_under_light_load_never_hangs_and_comes_back_healthy(service):
    endpoint = seen_at(service)
    load = LightLoad(endpoint)
    load.start()
    load.first.wait(QUICK_REPLY)  # the load is on before the restart
    restart(service)
    wait_healthy(service)
    load.stop.set()
    load.join(timeout=2 * QUICK_REPLY)
    hung = [(outcome, round(took, 1)) for outcome, took in load.outcomes if took > QUICK_REPLY]
    assert load.outcomes and not hung, (
        f"{endpoint} while {service} restarted: expected every request to complete or fail within "
        f"{QUICK_REPLY} s, saw {len(hung)} of {len(load.outcomes)} take longer: {hung[:5]}"
    )
    with http_client(endpoint, http2=True) as client:
        status = client.get("/").status_code
    assert status == 200, f"{endpoint}/ after restarting {service}: expected 200, saw {status}"


def slow_download_across_a_stop(endpoint, path: str) -> tuple[int, int, str]:
    """GET path over HTTP/2 with a small flow-control window, acknowledged slowly, so
    the response is still in flight when `docker compose stop` signals the server.
    Returns (bytes expected, bytes received, how the stream ended)."""
    stopper = threading.Thread(target=stop, args=(endpoint.service,), daemon=True)  # Docker's 10 s, as make down
    try:
        with open_tls(endpoint, tls_context(["h2"])) as tls:
            connection = new_connection(accept_push=False, stream_window=16 * 1024, connection_window=65535)
            connection.send_headers(1, get_headers(f"{endpoint.host}:{endpoint.port}", path), end_stream=True)
            tls.sendall(connection.data_to_send())
            expected, received, ending = 0, 0, "still open"
            deadline = time.monotonic() + 60
            while ending == "still open" and time.monotonic() < deadline:
                data = tls.recv(65536)
                if not data:
                    ending = "connection closed before the stream ended"
                    break
                for event in connection.receive_data(data):
                    match event:
                        case h2.events.ResponseReceived():
                            expected = int(dict(event.headers).get("content-length", 0))
                        case h2.events.DataReceived():
                            received += len(event.data)
                            if stopper.ident is None:
                                stopper.start()  # the response is in flight: stop the server now
                            time.sleep(0.05)  # a slow reader
                            connection.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                        case h2.events.StreamEnded():
                            ending = "ended"
                        case h2.events.StreamReset():
                            ending = f"reset ({event.error_code!r})"
                tls.sendall(connection.data_to_send())
    finally:
        # Once the connection is closed, as a browser closes one it is done with: a server
        # draining would otherwise wait for it (nginx: 5 s of lingering close).
        if stopper.ident is not None:
            stopper.join(timeout=30)  # the stop must be over before the service is started again
    return expected, received, ending


# Servers that cut a response in flight when stopped, as upstream behaves.
DRAIN_FLAWS = {
    "twisted_backend": (
        "Twisted 26.10: SIGTERM stops the reactor, which drops open connections at once; "
        "a response in flight is cut off (twisted.web has no graceful drain)"
    ),
    "django_backend": (
        "Daphne 4.2.3 (Twisted 26.10): SIGTERM stops the reactor as Twisted's own does (Daphne drains the "
        "application instances, not the connections); a response in flight is cut off"
    ),
    "uvicorn_quart": (
        "Uvicorn 0.54.0 (zttp 0.0.35): once the app has handed over its whole response, Uvicorn drops the "
        "stream from its list; on SIGTERM it closes the connection while zttp still holds body bytes waiting "
        "for the client's flow-control window: the download is cut off after 64-96 KB"
    ),
}
HTTP2_SERVICES = list(dict.fromkeys(endpoint.service for endpoint in ENDPOINTS if endpoint.http2))


@pytest.mark.parametrize(
    "service",
    [
        in_group_of(
            service, *([pytest.mark.xfail(strict=True, reason=DRAIN_FLAWS[service])] if service in DRAIN_FLAWS else [])
        )
        for service in HTTP2_SERVICES
    ],
)
def test_stop_drains_the_response_in_flight(service):
    endpoint = by_service[service]
    try:
        expected, received, ending = slow_download_across_a_stop(endpoint, "/static/css/bootstrap.min.css")
    finally:
        wait_healthy(service)
    assert (ending, received) == ("ended", expected) and expected > 0, (
        f"{endpoint}: expected the in-flight response to finish ({expected} bytes) before {service} stopped, "
        f"saw {received} bytes, stream {ending}"
    )


# The healthcheck's two failures in a row (about 9 s each: curl's two tries of 2 s, then the 5 s interval),
# then the restart and the first healthy check.
HTTP3_RESTART_PATIENCE = 90  # seconds


@pytest.mark.xdist_group(HYPERCORN_QUART.service)
def test_an_http3_that_dies_alone_is_noticed_and_the_server_restarted():
    """Hypercorn's HTTP/3 ends on one late request body while its TCP side serves on
    (quic_abuse.body_after_the_response): the HTTP/3 healthcheck turns the container unhealthy
    and, on its second failure in a row, ends the server for the restart policy to start again."""
    endpoint, service = HYPERCORN_QUART, HYPERCORN_QUART.service
    wait_healthy(service)
    started_at = container_state(service).split()[0]
    late_body = body_after_the_response(endpoint)
    with http_client(endpoint, http2=True) as client:
        tcp = client.get("/").status_code
    http3 = http3_answers(endpoint, patience=2)
    assert (http3.startswith("no answer"), tcp) == (True, 200), (
        f"{endpoint}: expected a late request body to leave HTTP/3 dead and TCP serving (Hypercorn 0.18's "
        f"silent death), saw {late_body!r}, then HTTP/3 {http3!r} and TCP {tcp}: if Hypercorn survives it "
        "now, this fault needs another way to kill HTTP/3 alone"
    )
    state = restarted_and_healthy(service, started_at, HTTP3_RESTART_PATIENCE)
    after = http3_answers(endpoint)
    assert (state.startswith(started_at), state.endswith("running healthy"), after) == (False, True, "200"), (
        f"{endpoint}: expected {service} restarted and healthy within {HTTP3_RESTART_PATIENCE} s with HTTP/3 "
        f"answering again, saw the container {state!r} (it started {started_at}), HTTP/3 {after!r}; "
        f"its last healthchecks:\n{health_log(service)}"
    )


# Hypercorn drains for up to its graceful_timeout on stop, as every Python server here may
# (tests/unit/test_stop_timeouts.py). It used to wait all of it at every stop: its HTTP/3
# requests' app tasks were never told their streams had closed, and it waited for every QUIC
# connection to close by itself (quart_backend/serve.py mends both).
DRAIN = int(re.search(r"^graceful_timeout = (\d+)", (ROOT / "quart_backend/hypercorn.toml").read_text(), re.M)[1])
TOLD_WITHIN = 1.0  # seconds after the restart: a CONNECTION_CLOSE takes milliseconds on loopback
NEVER_TELLS = {
    "sanic_backend": "Sanic 25.12: its HTTP/3 server has no graceful shutdown (a TODO in sanic/server/runners.py, "
    "_serve_http_3): a stop closes the UDP socket and tells no client, whose next request waits on a connection "
    "the new server does not know"
}


@pytest.mark.parametrize(
    "service",
    [
        in_group_of(
            service, *([pytest.mark.xfail(strict=True, reason=NEVER_TELLS[service])] if service in NEVER_TELLS else [])
        )
        for service in dict.fromkeys(endpoint.service for endpoint in ENDPOINTS if endpoint.http3)
    ],
)
def test_a_restart_tells_an_idle_http3_client_at_once(service):
    """An HTTP/3 connection a browser keeps open between pages, across a restart: the server
    closes it (CONNECTION_CLOSE, H3_NO_ERROR) as it stops, so the browser's next request opens a
    new one, and does not wait for it to close by itself (as nginx does). It has served HTTP/3
    (the client's request, the healthchecks'), so Hypercorn's restart also shows its requests' tasks end."""
    endpoint = by_service[service]
    wait_healthy(service)
    with IdleHttp3Client(endpoint) as client:
        began = time.monotonic()
        restart(service)
        restarted_in = time.monotonic() - began
        ending = client.ending(TOLD_WITHIN)
    wait_healthy(service)
    seen = (client.answered, ending.split()[0], restarted_in < DRAIN)
    assert seen == ("200", "H3_NO_ERROR", True), (
        f"{endpoint}: expected an idle HTTP/3 client (its request answered 200) told H3_NO_ERROR as {service} "
        f"restarted, within its {DRAIN} s drain; saw its request {client.answered!r}, the connection ended "
        f"{ending!r}, the restart took {restarted_in:.1f} s"
    )


# In the group of the server it reaches through its far port, so no fault of that server runs
# meanwhile (side by side, nginx's far port answered 502 while another worker had stopped
# Flask); the hand-written server's group, the shortest of them.
@pytest.mark.xdist_group(H2_BY_HAND.service)
def test_the_network_emulator_restarts_into_the_profile_set_live_and_serves_the_far_ports():
    starting = services()["network"]["environment"]["NETWORK_PROFILE"]
    set_live = "lossy" if starting != "lossy" else "lan"
    run_in("network", f"python3 -m network set {set_live}")
    try:
        restart("network")
        wait_healthy("network")
        shown = run_in("network", "python3 -m network show").stdout
        with httpx.Client(http2=True, verify=tls_context(["h2"]), timeout=10) as client:
            status = client.get(f"https://{H2_BY_HAND.far_host}:{H2_BY_HAND.far_port}/").status_code
    finally:
        run_in("network", f"python3 -m network set {starting}")
    seen = {"profile": shown.split(":")[0], "far port": status}
    expected = {"profile": set_live, "far port": 200}
    assert seen == expected, (
        f"network after a restart: expected {expected} (the profile set live, not NETWORK_PROFILE={starting}), "
        f"saw {seen}"
    )
