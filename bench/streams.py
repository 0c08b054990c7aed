"""What each server does with many requests on one connection, across the far network,
read from the lab client's frame log (clients/h2_order.py):

    multiplexing  (rtt50) the page's three assets asked at once, no priority signal: how
                  many responses were in progress at once, and the order of their first bytes
    priorities    (slow4g) 60 tiles and the page's two scripts asked at low urgency (u=5),
                  then the stylesheet at the highest (u=0), by RFC 9218's header and, on
                  another connection, by RFC 7540's PRIORITY information: when the
                  stylesheet's last byte came, against its bound had it been sent first;
                  and the same over HTTP/3 where offered (RFC 9218's header on a QUIC
                  connection, aioquic), signal "rfc9218-h3"

The 60 tiles are 20 KB in all, a tenth of a second on slow4g's 1.6 Mbit/s, no contest for the
link: the two scripts (174 KB) are what a server that ignores priority sends in the
stylesheet's way. A server honours priority when the stylesheet ends within HONOURED of its
bound; a warm-up request first lets slow start grow the window, so that the link decides.
"""

import asyncio
import statistics
from pathlib import Path

from aioquic.asyncio.client import connect
from aioquic.quic.logger import QuicFileLogger

from bench import far, trace
from bench.cases import PRIORITY_OVER_HTTP3, PRIORITY_SIGNALS
from clients.h2_order import Ask, fetch_together
from clients.http3 import H3Client, client_configuration
from endpoints import ENDPOINTS
from network.profiles import PROFILES
from website import TILE_ASSETS

STYLESHEET = "/static/css/bootstrap.min.css"
SCRIPTS = ["/static/js/jquery.min.js", "/static/js/bootstrap.bundle.min.js"]
TILES = 60
MULTIPLEXING_PROFILE, PRIORITY_PROFILE = "rtt50", "slow4g"
HONOURED = 1.3  # the stylesheet within 1.3× its bound; sent after the scripts, it would take about 1.8×
STYLESHEET_WIRE_BYTES = 225_500  # its 224,907 bytes, its DATA frame headers and its response headers


def tile_paths(count: int) -> list[str]:
    return list(TILE_ASSETS)[:count]  # the site's own list, in the order /tiles links them


def multiplexing(endpoint, ca_file: str, traces: Path | None = None) -> dict:
    log = fetch_together(far.origin(endpoint), [Ask(STYLESHEET), *map(Ask, SCRIPTS)], ca_file, warm_up=SCRIPTS[0])
    if traces:
        trace.streams_trace(log, f"streams-multiplexing-{endpoint.far_port}", traces)
    return {"case": "multiplexing", "port": endpoint.port, "service": endpoint.service, **log.summary()}


def stylesheet_bound_ms() -> float:
    """The stylesheet alone on the warm connection: one round trip, then its bytes at the link's rate."""
    profile = PROFILES[PRIORITY_PROFILE]
    return profile.rtt_ms + STYLESHEET_WIRE_BYTES * 8 / (profile.down_mbit * 1000)


def low_urgency_paths() -> list[str]:
    return [*tile_paths(TILES), *SCRIPTS]


def priorities(endpoint, signal: str, runs: int, ca_file: str, traces: Path | None = None) -> dict:
    """The median of `runs`, each on a new connection; with `traces`, the first one's frame log."""
    low = [Ask(path, urgency=5) for path in low_urgency_paths()]
    stylesheet, others, statuses, positions = [], [], set(), []
    for _ in range(runs):
        log = fetch_together(
            far.origin(endpoint), [*low, Ask(STYLESHEET, urgency=0)], ca_file, signal=signal, warm_up=SCRIPTS[0]
        )
        if traces and not stylesheet:
            trace.streams_trace(log, f"streams-priorities-{endpoint.far_port}-{signal}", traces)
        stylesheet.append(log.finished(STYLESHEET) * 1000)
        others.append(max(at for stream, at in log.ended.items() if log.paths[stream] != STYLESHEET) * 1000)
        statuses |= set(log.statuses.values())
        positions.append(log.first_bytes_order().index(STYLESHEET) + 1)
    return priorities_row(endpoint, signal, stylesheet, others, statuses) | {
        "stylesheet_first_bytes_position": positions
    }


def priorities_row(endpoint, signal: str, stylesheet: list[float], others: list[float], statuses: set) -> dict:
    """The median of each run's stylesheet and low-urgency ends (ms since the requests were sent)."""
    stylesheet_ms, bound = statistics.median(stylesheet), stylesheet_bound_ms()
    return {
        "case": "priorities", "signal": signal, "port": endpoint.port, "service": endpoint.service,
        "stylesheet_ms": round(stylesheet_ms, 1), "bound_ms": round(bound, 1),
        "stylesheet_over_bound": round(stylesheet_ms / bound, 2),
        "low_urgency_done_ms": round(statistics.median(others), 1),
        "honoured": stylesheet_ms <= bound * HONOURED, "statuses": sorted(statuses),
        "runs_ms": [round(ms, 1) for ms in stylesheet],
    }  # fmt: skip


async def _over_http3_once(endpoint, ca_file: str, qlog_dir: Path | None) -> tuple[float, float, set]:
    """One new QUIC connection: the warm-up, then the low-urgency requests and the stylesheet
    last, each with RFC 9218's priority header, all sent before any answer is read; the
    stylesheet's end and the others' last end, in ms since they were sent, and the statuses.
    With `qlog_dir`, aioquic's qlog of the connection is kept there."""
    origin = far.origin(endpoint)
    logger = QuicFileLogger(str(qlog_dir)) if qlog_dir else None
    configuration = client_configuration(ca_file, origin.server_name, quic_logger=logger)
    async with connect(origin.dial_host, origin.port, configuration=configuration, create_protocol=H3Client) as client:
        await client.get(origin.authority, SCRIPTS[0])  # slow start grows the window first

        def ask(path: str, urgency: int) -> asyncio.Task:
            fields = (("priority", f"u={urgency}"),)
            return asyncio.ensure_future(client.request(origin.authority, path, fields=fields))

        sent = asyncio.get_running_loop().time()
        low = [ask(path, 5) for path in low_urgency_paths()]
        stylesheet = ask(STYLESHEET, 0)  # the tasks start in this order: the stylesheet's request goes last
        responses = await asyncio.gather(*low, stylesheet)
    others = max(response.ended_at for response in responses[:-1])
    statuses = {response.status for response in responses}
    return (responses[-1].ended_at - sent) * 1000, (others - sent) * 1000, statuses


def priorities_over_http3(endpoint, runs: int, ca_file: str, traces: Path | None = None) -> dict:
    """The same case over HTTP/3: the median of `runs`, each on a new QUIC connection; with
    `traces`, the first one's qlog in traces/qlog."""
    stylesheet, others, statuses = [], [], set()
    for run in range(runs):
        qlog_dir = traces / "qlog" if traces and run == 0 else None
        if qlog_dir:
            qlog_dir.mkdir(parents=True, exist_ok=True)
        urgent, rest, seen = asyncio.run(_over_http3_once(endpoint, ca_file, qlog_dir))
        stylesheet.append(urgent)
        others.append(rest)
        statuses |= seen
    return priorities_row(endpoint, PRIORITY_OVER_HTTP3, stylesheet, others, statuses)


async def measure(runs: int, ca_file: str, progress, traces: Path | None = None) -> list[dict]:
    """Multiplexing on every HTTP/2 endpoint, priorities on every HTTP/2 and HTTP/3 one; the far
    network put back afterwards."""
    servers = [endpoint for endpoint in ENDPOINTS if endpoint.http2]
    results = []
    with far.restored():
        far.use(PROFILES[MULTIPLEXING_PROFILE])
        for endpoint in servers:
            row = await asyncio.to_thread(multiplexing, endpoint, ca_file, traces)
            results.append(row)
            order = ", ".join(path.rsplit("/", 1)[1] for path in row["first_bytes_order"])
            progress(
                f"multiplexing {endpoint.port}: {row['most_in_progress']} in progress at once; first bytes: {order}"
            )
        far.use(PROFILES[PRIORITY_PROFILE])
        for endpoint in ENDPOINTS:
            cases = [
                (priorities, (endpoint, signal, runs, ca_file, traces)) for signal in PRIORITY_SIGNALS if endpoint.http2
            ]
            if endpoint.http3:
                cases.append((priorities_over_http3, (endpoint, runs, ca_file, traces)))
            for case, arguments in cases:
                row = await asyncio.to_thread(case, *arguments)
                results.append(row)
                progress(
                    f"priorities {endpoint.port} {row['signal']}: stylesheet {row['stylesheet_ms']:.0f} ms "
                    f"(bound {row['bound_ms']:.0f}, × {row['stylesheet_over_bound']:.2f}; "
                    f"{'honoured' if row['honoured'] else 'not honoured'}), the rest {row['low_urgency_done_ms']:.0f} ms"
                )
    return results
