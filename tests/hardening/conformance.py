"""HTTP/2 conformance: a rule the client breaks on purpose, and what RFC 9113 (or RFC 7541,
HPACK) says the server MUST do about it, judged from what it sent back (abuse.Verdict).

A connection error is a GOAWAY with its code (RFC 9113 5.4.1). A stream error is an
RST_STREAM with its code, or a GOAWAY with it: 5.4.1 lets any stream error end the connection.
A malformed request is a stream error PROTOCOL_ERROR (8.1.1), a response before it allowed.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest
from h2.errors import ErrorCodes
from h2.settings import SettingCodes

from abuse import FRAME_HEADER_SIZE, PREFACE, AbusiveConnection, Verdict, http2_endpoints, raw_frame
from guard import crash_logged, mark_the_logs
from lab import Endpoint
from stack import cores_busy, restart, wait_healthy
from wire import h2_get, h3_get_all

# Frame types and flags (RFC 9113 6), for frames built byte by byte.
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS = 0x0, 0x1, 0x2, 0x3, 0x4
PING, WINDOW_UPDATE, CONTINUATION = 0x6, 0x8, 0x9
NO_FLAGS, END_STREAM, ACK, END_HEADERS, PADDED = 0x0, 0x1, 0x1, 0x4, 0x8
LARGEST_WINDOW = 2**31 - 1  # RFC 9113 6.9.1: no flow-control window may exceed it
MET, REFUSED_OTHERWISE, LET_THROUGH = "met", "refused another way", "let through"
BAD_REQUEST = 400


@dataclass(frozen=True)
class Rule:
    """What the server MUST do: a connection error, a stream error (with one of `codes`), or ignore it and answer."""

    section: str  # where the MUST is written: "RFC 9113 6.9"
    kind: str  # "connection error", "stream error" or "ignored"
    codes: tuple[ErrorCodes, ...] = ()

    def outcome(self, verdict: Verdict) -> str:
        """MET, or how the server fell short: REFUSED_OTHERWISE (another code, a 400, a close) or LET_THROUGH."""
        if self.met_by(verdict):
            return MET
        stopped = verdict.goaways or verdict.resets or verdict.closed_after is not None
        # 400 is a refusal (RFC 9113 8.2.1 suggests it for a malformed request); a 405 is the app answering.
        return REFUSED_OTHERWISE if stopped or BAD_REQUEST in verdict.statuses else LET_THROUGH

    def met_by(self, verdict: Verdict) -> bool:
        names = {code.name for code in self.codes}
        match self.kind:
            case "connection error":
                return verdict.goaway in names
            case "stream error":
                return verdict.goaway in names or bool(names & set(verdict.resets))
            case _:
                return not verdict.goaways and not verdict.resets and 200 in verdict.statuses

    def __str__(self) -> str:
        if self.kind == "ignored":
            return f"ignored, the request after it answered 200 ({self.section})"
        return f"a {self.kind} {' or '.join(code.name for code in self.codes)} ({self.section})"


def connection_error(section: str, code: ErrorCodes) -> Rule:
    return Rule(section, "connection error", (code,))


def stream_error(section: str, *codes: ErrorCodes) -> Rule:
    return Rule(section, "stream error", codes)


def malformed(section: str) -> Rule:
    """RFC 9113 8.1.1: a malformed request is a stream error PROTOCOL_ERROR."""
    return stream_error(f"RFC 9113 {section}, 8.1.1", ErrorCodes.PROTOCOL_ERROR)


def ignored(section: str) -> Rule:
    return Rule(section, "ignored")


@dataclass(frozen=True)
class Case:
    """One rule broken on purpose: `send` returns the bytes that break it, after the preface."""

    name: str
    rule: Rule
    send: Callable[[AbusiveConnection], bytes]

    @property
    def id(self) -> str:
        return f"{self.rule.section.split(',')[0].removeprefix('RFC ').replace(' ', '-')}-{self.name}"


def request(
    client: AbusiveConnection, stream_id: int = 1, headers: list[tuple[str, str]] | None = None, *, end_stream=True
) -> bytes:
    """A HEADERS frame carrying a whole field block (GET / unless `headers` says otherwise)."""
    block = client.encoder.encode(client.request_headers() if headers is None else headers, huffman=False)
    return raw_frame(HEADERS, END_HEADERS | (END_STREAM if end_stream else NO_FLAGS), stream_id, block)


def settings(*pairs: tuple[int, int]) -> bytes:
    return raw_frame(
        SETTINGS, NO_FLAGS, 0, b"".join(key.to_bytes(2, "big") + value.to_bytes(4, "big") for key, value in pairs)
    )


def window_update(stream_id: int, increment: int) -> bytes:
    return raw_frame(WINDOW_UPDATE, NO_FLAGS, stream_id, increment.to_bytes(4, "big"))


def rst_stream(stream_id: int, code: ErrorCodes = ErrorCodes.CANCEL) -> bytes:
    return raw_frame(RST_STREAM, NO_FLAGS, stream_id, code.to_bytes(4, "big"))


# A server left idle by a probe spends its healthcheck's CPU (a few % of a core); a thread left
# spinning spends a whole core.
IDLE_WATCH = 2.0  # seconds
IDLE_BOUND = 0.5  # cores busy
# A server known to be left spinning now and then (a race, so no strict xfail can hold it):
# restarted after every probe that may set it off, spinning or not yet (a spin has been seen to
# start 15 s after the probe, in a loaded run), and not failed for it. What it does, as a strict
# xfail's reason would say.
KNOWN_SPINS = {
    "granian_flask": "Granian 2.8.7 (hyper 1.12.0), WSGI: a body that does not match its content-length gets the "
    "stream reset, as it must, and now and then (every time by hand, not in every CI run) leaves a tokio worker "
    "thread spinning a whole core for as long as the server runs",
}

SENTINEL = b"h2lab ok"  # a PING's 8 bytes, sent after a case's: its ACK says the server has read them all


@dataclass(frozen=True)
class Sent:
    """A case's bytes as frames: the requests in them the server owes an answer (streams
    the client opened and ended, and did not reset itself), and whether a PING may follow:
    only after whole frames, with no header block left open (a PING inside one would be a
    second violation, and bytes after a cut frame would be read as its payload)."""

    answers_owed: frozenset[int]
    ping_may_follow: bool


def sent(data: bytes) -> Sent:
    opened, ended, reset, block_open, at = set(), set(), set(), False, 0
    while at + FRAME_HEADER_SIZE <= len(data):
        length, kind, flags = int.from_bytes(data[at : at + 3], "big"), data[at + 3], data[at + 4]
        stream = int.from_bytes(data[at + 5 : at + 9], "big") & 0x7FFFFFFF
        at += FRAME_HEADER_SIZE + length
        if kind in (HEADERS, CONTINUATION):
            block_open = not flags & END_HEADERS
        if kind == HEADERS and stream:
            opened.add(stream)
        if kind in (HEADERS, DATA) and flags & END_STREAM:
            ended.add(stream)
        if kind == RST_STREAM:
            reset.add(stream)
    return Sent(frozenset((opened & ended) - reset), at == len(data) and not block_open)


def said_all(verdict: Verdict, case_sent: Sent) -> bool:
    """The server has said all it will about the case: a GOAWAY (its last word on the
    connection), or it acknowledged the PING after the case's bytes (it read them all, and
    answered any frame before the PING) and has ended or reset every request it owes."""
    answered = verdict.ended | verdict.reset
    return bool(verdict.goaways) or (SENTINEL in verdict.pongs and case_sent.answers_owed <= answered)


def connect(endpoint: Endpoint) -> AbusiveConnection:
    """A connection that refuses push: GET / then has one response, and none is still being sent
    when the probe hangs up (Hypercorn logs a traceback for a response cut short)."""
    return AbusiveConnection(endpoint, preface=PREFACE + settings((SettingCodes.ENABLE_PUSH, 0)))


def max_frame_size(client: AbusiveConnection) -> int:
    return client.server_settings().get(SettingCodes.MAX_FRAME_SIZE, 16384)


def conformance_params(
    cases: list,
    known_failures: dict[str, dict[str, str]],
    endpoints: Callable[[dict[str, str]], list] = http2_endpoints,
) -> list:
    """Every case against every HTTP/2 endpoint (abuse.http2_endpoints: its xdist group, and
    a strict xfail where `known_failures[service][case.name]` says what the server does instead);
    or against every endpoint `endpoints` gives (h3_abuse.http3_endpoints)."""
    unknown = {name for by_case in known_failures.values() for name in by_case} - {case.name for case in cases}
    if unknown:
        raise ValueError(f"known failures name cases that do not exist: {sorted(unknown)}")
    params = []
    for case in cases:
        flaws = {service: by_case[case.name] for service, by_case in known_failures.items() if case.name in by_case}
        params += [
            pytest.param(
                case,
                *endpoint.values,
                id=f"{case.id}-{endpoint.id}",
                marks=[on_assertions(mark) for mark in endpoint.marks],
            )
            for endpoint in endpoints(flaws)
        ]
    return params


def on_assertions(mark: pytest.MarkDecorator) -> pytest.MarkDecorator:
    """A known failure is the server's answer failing the check: a probe that could not even
    connect (the server busy with someone else's attack) must fail, not pass as expected."""
    return pytest.mark.xfail(**mark.kwargs, raises=AssertionError) if mark.name == "xfail" else mark


@contextmanager
def harmless(endpoint: Endpoint, *, http3: bool = False, left_idle: bool = False) -> Iterator[None]:
    """guard.guarded made light for a probe of one connection and a few frames: afterwards a new
    connection (HTTP/2, or HTTP/3 if told) still gets 200, and the logs show no crash. (No polite
    neighbour and no health check: a few frames cannot starve anyone, and they would triple the run.)
    `left_idle`: and the server is not left busy (a thread spinning on what the probe left
    behind); one that is gets restarted, so that the rest of the run does not share its cores."""
    since = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    yield
    if http3:
        status = h3_get_all(endpoint, ["/"])["/"].status
    else:
        status = h2_get(endpoint, "/", enable_push=False).response.status
    assert status == 200, f"{endpoint}: expected GET / on a new connection after the probe to get 200, got {status}"
    crash = crash_logged(endpoint.service, since, mark_the_logs(endpoint))
    assert not crash, f"{endpoint}: expected no crash in {endpoint.service}'s logs during the probe, saw:\n{crash}"
    if not left_idle:
        return
    if (busy := cores_busy(endpoint.service, IDLE_WATCH)) > IDLE_BOUND:
        restart(endpoint.service)
        wait_healthy(endpoint.service)
        assert endpoint.service in KNOWN_SPINS, (
            f"{endpoint}: expected {endpoint.service} idle once the probe was over, saw {busy:.2f} cores busy "
            f"for {IDLE_WATCH} s with nothing asked of it (restarted, so that the run goes on on its own cores)"
        )
    elif endpoint.service in KNOWN_SPINS:  # its spin may start later (seen 15 s after, in a loaded run)
        restart(endpoint.service)
        wait_healthy(endpoint.service)
