"""In what order an HTTP/2 server sends what it was asked for on one connection, frame by frame:
several requests at once, each with a priority signal or none, and every DATA frame logged
(when, which stream, how long). The frame log answers two questions:

    multiplexing  how many responses were in progress at once (DATA of different streams
                  interleaved), and the order in which their first bytes came
    priorities    whether the request marked most urgent was served first (RFC 9218: the
                  `priority` header; RFC 7540: PRIORITY information in HEADERS)

    log = fetch_together(origin, [Ask("/a.css", urgency=0), ...], ca_file, signal="rfc9218")
"""

import time
from dataclasses import dataclass, field

import h2.events

from clients.events import Origin
from clients.http2 import get_headers, new_connection
from clients.tls import client_context, open_tls

SIGNALS = ("none", "rfc9218", "rfc7540")
TIMEOUT = 120.0
# RFC 9218's urgency 0-7 as RFC 7540 weights (1-256), as Chromium mapped them: the most urgent
# the heaviest. With "rfc7540" each request also depends exclusively on the stream root, so the
# last and most urgent one is placed above every stream before it, as Chromium does.
WEIGHTS = {0: 256, 1: 220, 2: 183, 3: 147, 4: 110, 5: 74, 6: 37, 7: 1}


@dataclass(frozen=True)
class Ask:
    path: str
    urgency: int = 3  # RFC 9218's default


@dataclass
class DataFrame:
    at: float  # seconds since the requests were sent
    stream: int
    length: int


@dataclass
class FrameLog:
    """What came back for each request, in order of arrival."""

    paths: dict[int, str]  # stream -> path asked
    frames: list[DataFrame] = field(default_factory=list)
    ended: dict[int, float] = field(default_factory=dict)  # stream -> when its last byte came
    statuses: dict[int, int] = field(default_factory=dict)

    def finished(self, path: str) -> float:
        return next(self.ended[stream] for stream, asked in self.paths.items() if asked == path)

    def first_bytes_order(self) -> list[str]:
        """Paths in the order their first DATA arrived."""
        order = list(dict.fromkeys(frame.stream for frame in self.frames))
        return [self.paths[stream] for stream in order]

    def most_in_progress(self) -> int:
        """The most responses that had begun (some DATA) and not ended at one DATA frame:
        1 when the server sends each response whole before the next."""
        last = {frame.stream: index for index, frame in enumerate(self.frames)}
        started: set[int] = set()
        most = 0
        for index, frame in enumerate(self.frames):
            started.add(frame.stream)
            most = max(most, sum(1 for stream in started if last[stream] >= index))
        return most

    def summary(self) -> dict:
        return {
            "frames": len(self.frames),
            "most_in_progress": self.most_in_progress(),
            "first_bytes_order": self.first_bytes_order(),
            "finished_ms": {
                self.paths[s]: round(at * 1000, 1) for s, at in sorted(self.ended.items(), key=lambda x: x[1])
            },
        }

    def as_trace(self) -> list[dict]:
        """Every DATA frame, for TRACE=1: when, which path, how long."""
        return [
            {"ms": round(f.at * 1000, 2), "stream": f.stream, "path": self.paths[f.stream], "length": f.length}
            for f in self.frames
        ]


def fetch_together(
    origin: Origin, asks: list[Ask], ca_file: str, *, signal: str = "none", warm_up: str = ""
) -> FrameLog:
    """Every ask at once on one new connection (browser-sized windows: nothing waits on flow
    control), in the order given, each with its priority `signal`; after a warm-up GET, if
    any, so that slow start does not decide the order."""
    if signal not in SIGNALS:
        raise ValueError(f"signal {signal!r}: one of {SIGNALS}")
    with open_tls(
        origin.dial_host, origin.port, client_context(ca_file, ["h2"]), server_name=origin.server_name, timeout=TIMEOUT
    ) as tls:
        connection = new_connection(accept_push=False)
        tls.sendall(connection.data_to_send())
        if warm_up:
            _receive(tls, connection, FrameLog({1: warm_up}), _send(tls, connection, [Ask(warm_up)], "none"), 0.0)
        log = FrameLog({})
        began = time.monotonic()
        log.paths = _send(tls, connection, asks, signal)
        return _receive(tls, connection, log, set(log.paths), began)


def _send(tls, connection, asks: list[Ask], signal: str) -> dict[int, str]:
    paths = {}
    for ask in asks:
        stream = connection.get_next_available_stream_id()
        headers = get_headers(connection_authority(tls), ask.path)
        priority = {}
        if signal == "rfc9218":
            headers.append(("priority", f"u={ask.urgency}"))
        elif signal == "rfc7540":
            priority = {"priority_weight": WEIGHTS[ask.urgency], "priority_depends_on": 0, "priority_exclusive": True}
        connection.send_headers(stream, headers, end_stream=True, **priority)
        paths[stream] = ask.path
    tls.sendall(connection.data_to_send())
    return paths


def connection_authority(tls) -> str:
    return f"{tls.server_hostname}:{tls.getpeername()[1]}"


def _receive(tls, connection, log: FrameLog, waiting: set[int] | dict, began: float) -> FrameLog:
    waiting = set(waiting)
    while waiting:
        data = tls.recv(65_536)
        if not data:
            raise ConnectionError(f"the server closed with {len(waiting)} responses still to come")
        now = time.monotonic() - began
        for event in connection.receive_data(data):
            match event:
                case h2.events.ResponseReceived():
                    log.statuses[event.stream_id] = int(dict(event.headers)[":status"])
                case h2.events.DataReceived():
                    log.frames.append(DataFrame(now, event.stream_id, event.flow_controlled_length))
                    connection.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                case h2.events.StreamEnded() | h2.events.StreamReset():
                    log.ended[event.stream_id] = now
                    waiting.discard(event.stream_id)
                case h2.events.ConnectionTerminated():
                    raise ConnectionError(f"GOAWAY ({event.error_code!r}) with {len(waiting)} responses to come")
        tls.sendall(connection.data_to_send())
    return log
