"""Chromium's own priority signals put to each server (slow4g, after bench/streams.py's cases):
Chromium loads /priorities cold (website/priorities.py), which asks for the two scripts
first (async: low priority), then 60 tiles (low), then the stylesheet (the highest), each with
the priority Chromium gives it (over HTTP/2 RFC 9218's header and RFC 7540's PRIORITY
information, over HTTP/3 the header). Resource Timing says when the stylesheet's request
left and its last byte came, and when the rest ended: judged as the lab client's cases are
(streams.priorities_row: within ×1.3 of the stylesheet's bound), signal "chromium" over
HTTP/2 and "chromium-h3" over HTTP/3.
"""

import socket

from bench import browser, far
from bench.cases import CHROMIUM_OVER_HTTP2, CHROMIUM_OVER_HTTP3
from bench.run import SERVER_CERTIFICATE
from bench.streams import PRIORITY_PROFILE, STYLESHEET, priorities_row
from endpoints import ENDPOINTS, Endpoint
from network.profiles import PROFILES

PAGE = "/priorities"


async def in_chromium(endpoint: Endpoint, quic: bool, runs: int) -> dict:
    """`runs` cold loads over HTTP/3 (quic) or HTTP/2; the median of each run's stylesheet
    time (its request sent to its last byte) and of the rest's end (since that same moment)."""
    origin = f"{far.SERVER_NAME}:{endpoint.far_port}"
    loads = await browser.resource_entries(
        f"https://{origin}{PAGE}", runs, server_certificate=SERVER_CERTIFICATE,
        quic_origin=origin if quic else None,
        host_rules=f"MAP {far.SERVER_NAME} {socket.gethostbyname(far.EMULATOR)}",
    )  # fmt: skip
    stylesheet, others, statuses, protocols = [], [], set(), set()
    for entries in loads:
        sheet = next(entry for entry in entries if entry["path"] == STYLESHEET)
        stylesheet.append(sheet["end_ms"] - sheet["start_ms"])
        others.append(max(entry["end_ms"] for entry in entries if entry is not sheet) - sheet["start_ms"])
        statuses |= {entry["status"] for entry in entries}
        protocols |= {entry["protocol"] for entry in entries}
    signal = CHROMIUM_OVER_HTTP3 if quic else CHROMIUM_OVER_HTTP2
    return priorities_row(endpoint, signal, stylesheet, others, statuses) | {"protocols_used": sorted(protocols)}


async def measure(runs: int, progress) -> list[dict]:
    """Every endpoint over HTTP/2 and HTTP/3 where offered, on PRIORITY_PROFILE; the far network put back afterwards."""
    results = []
    with far.restored():
        far.use(PROFILES[PRIORITY_PROFILE])
        for endpoint in ENDPOINTS:
            for quic in [quic for quic, offered in ((False, endpoint.http2), (True, endpoint.http3)) if offered]:
                row = await in_chromium(endpoint, quic, runs)
                results.append(row)
                progress(
                    f"priorities {endpoint.port} {row['signal']}: stylesheet {row['stylesheet_ms']:.0f} ms "
                    f"(bound {row['bound_ms']:.0f}, × {row['stylesheet_over_bound']:.2f}; "
                    f"{'honoured' if row['honoured'] else 'not honoured'}), the rest {row['low_urgency_done_ms']:.0f} ms, "
                    f"over {', '.join(row['protocols_used'])}"
                )
    return results
