"""Uploads across the far network: POST /upload on every endpoint, over HTTP/1.1, HTTP/2 and
HTTP/3 where offered, each on a new connection, timed against its bound (bounds.upload_bound):
the handshakes, then the longest of the uplink, slow start, and the server's flow control as
the client saw it on the wire (the most it was ever allowed to have unacknowledged). Where a
server's window can be raised, the same server again with it raised (endpoints.RAISED_WINDOWS),
its row naming the setting and the endpoint it raises.

An HTTP/2 server that keeps its stream window at 64 KiB lets a client send 64 KiB a round
trip, whatever the link: 1.3 MB/s at 50 ms. Over HTTP/1.1, TCP's window grows to megabytes.

The body is 10 MB where the link is fast (rtt50); on a slow uplink (cable's 1 Mbit/s,
slow4g's 0.75) the link alone decides, and 10 MB would take 80-107 s a case, so the body
there is what the uplink carries in 8 s.
"""

import asyncio
from pathlib import Path

from bench import far, trace
from bench.bounds import Network, upload_bound
from bench.cases import upload_protocols
from clients.upload import body_of, upload
from endpoints import ENDPOINTS, RAISED_WINDOWS, UPLOAD_FLAWS, Endpoint
from measure.stats import median
from network.profiles import PROFILES, Profile

PROFILE_NAMES = ("rtt50", "cable", "slow4g")
FAST_LINK_BYTES = 10_000_000
SLOW_LINK_SECONDS = 8
FULL_RUNS = 3  # uploads per case in a full run (a 64 KiB window makes a 10 MB one take 8 s)


def body_size(profile: Profile) -> int:
    if not profile.up_mbit:
        return FAST_LINK_BYTES
    return min(FAST_LINK_BYTES, int(profile.up_mbit * 1e6 / 8 * SLOW_LINK_SECONDS))


def case(
    endpoint: Endpoint, protocol: str, profile: Profile, runs: int, ca_file: str, traces: Path | None = None
) -> dict:
    """`runs` cold uploads; with `traces`, the first one's evidence kept there (bench/trace.py)."""
    body = body_of(body_size(profile))
    qlogs = str(traces / "qlog") if traces and protocol == "h3" else None
    if qlogs:
        Path(qlogs).mkdir(parents=True, exist_ok=True)
    uploads = [upload(protocol, far.origin(endpoint), body, ca_file, qlog_dir=qlogs) for _ in range(runs)]
    if traces and protocol == "h2":
        trace.upload_trace(uploads[0].flow_control, f"upload-{endpoint.far_port}-h2-{profile.name}", traces)
    failed = [f"{u.status} {u.answer}" for u in uploads if u.status != 200 or not u.matches(body)]
    flow = uploads[0].flow_control
    window = flow.largest_window if flow else None
    bound = upload_bound(protocol, len(body), Network(profile.rtt_ms, profile.down_mbit, profile.up_mbit), window)
    median_ms = median([u.seconds for u in uploads]) * 1000
    return {
        "profile": profile.name, "rtt_ms": profile.rtt_ms, "up_mbit": profile.up_mbit,
        "port": endpoint.port, "far_port": endpoint.far_port, "service": endpoint.service,
        "title": endpoint.title, "protocol": protocol, "body_bytes": len(body),
        "median_ms": round(median_ms, 1), "megabytes_per_s": round(len(body) / median_ms / 1000, 2),
        "lower_bound_ms": round(bound.ms, 1), "lower_bound_rtts": bound.rtts,
        "measured_over_bound": round(bound.ratio(median_ms), 2),
        "window": window, "flow_control": flow.summary() if flow else None,
        "failed": failed, "runs": [round(u.seconds * 1000, 1) for u in uploads],
    }  # fmt: skip


async def measure(
    profile_names: tuple[str, ...], runs: int, ca_file: str, progress, traces: Path | None = None
) -> list[dict]:
    """Every endpoint, every protocol, on each profile; the far network put back afterwards."""
    results = []
    with far.restored():
        for name in profile_names:
            profile = PROFILES[name]
            far.use(profile)
            print(f"{profile.describe()}: uploads of {body_size(profile):,} bytes, {runs} per case, cold", flush=True)
            cases = [(endpoint, protocol, None) for endpoint in ENDPOINTS for protocol in upload_protocols(endpoint)]
            cases += [(raised.endpoint, protocol, raised) for raised in RAISED_WINDOWS for protocol in raised.endpoint.protocols]  # fmt: skip
            for endpoint, protocol, raised in cases:
                row = await asyncio.to_thread(case, endpoint, protocol, profile, runs, ca_file, traces)
                if raised:
                    row |= {"raises": raised.of.port, "setting": raised.setting}
                results.append(row)
                progress(
                    f"upload {name:7s} {endpoint.port} {protocol:8s}: {row['median_ms']:8.1f} ms "
                    f"({row['megabytes_per_s']:5.2f} MB/s; bound {row['lower_bound_ms']:g}, "
                    f"× {row['measured_over_bound']:.2f}; window {row['window'] or 'TCP'})"
                    + (f" raised: {raised.setting}" if raised else "")
                    + _failure(row, endpoint.service, protocol)
                )
    return results


def _failure(row: dict, service: str, protocol: str) -> str:
    """What the progress line says of a failed upload: a server's known flaw as such."""
    if not row["failed"]:
        return ""
    known = (service, protocol) in UPLOAD_FLAWS
    return f" {'failed, a known flaw (endpoints.UPLOAD_FLAWS):' if known else 'FAILED'} {row['failed'][0]}"
