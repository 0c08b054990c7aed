"""What a bench run shows on the terminal: its tables (the charts are in charts.py)."""

from bench.cases import CHROMIUM_OVER_HTTP2, CHROMIUM_OVER_HTTP3, PRIORITY_OVER_HTTP3, PRIORITY_SIGNALS
from endpoints import FAR_OFFSET, UPLOAD_FLAWS

LOSS_REFERENCE = "rtt50"  # the loss profiles are rtt50 plus loss: each is compared with it


def chart_name(page: str, profile: str) -> str:
    """The file charts.py writes for a page and network profile."""
    return f"pageload-{page}-{profile}.png"


def upload_chart_name(profile: str) -> str:
    """The file charts.py writes for the uploads across a network profile."""
    return f"uploads-{profile}.png"


def _sections(rows: list[dict]) -> list[tuple[str, str]]:
    """(page, profile) in the order the run measured them."""
    return list(dict.fromkeys((row["page"], row["profile"]) for row in rows))


def _ratio(row: dict) -> str:
    return f"×{row['measured_over_bound']:.2f}" if row["measured_over_bound"] else "—"


def page_load_table(rows: list[dict]) -> str:
    lines = []
    for page, profile in _sections(rows):
        lines += [
            "",
            f"page loads: {page}, network {profile} (median / p95 ms; bound = what the network imposes: "
            "handshakes, request rounds, slow start, link rate)",
            f"  {'port':5} {'protocol':9} {'cold':>15} {'bound':>8} {'÷bound':>6}  {'warm':>15} {'bound':>8} "
            f"{'÷bound':>6}  {'conns':>5} {'KB in':>6}",
        ]
        pairs: dict[tuple, dict] = {}
        for row in rows:
            if (row["page"], row["profile"]) == (page, profile):
                pairs.setdefault((row["far_port"], row["protocol"]), {})[row["mode"]] = row
        for (port, protocol), modes in pairs.items():
            cold, warm = modes["cold"], modes["warm"]
            lines.append(
                f"  {port:<5} {protocol:9} {cold['median_ms']:7.1f} / {cold['p95_ms']:<6.1f} {cold['lower_bound_ms']:>7g} "
                f"{_ratio(cold):>6}  {warm['median_ms']:7.1f} / {warm['p95_ms']:<6.1f} {warm['lower_bound_ms']:>7g} "
                f"{_ratio(warm):>6}  {cold['runs'][0]['connections']:>5} {cold['runs'][0]['bytes_in'] / 1024:>6.0f}"
            )
    return "\n".join(lines)


def loss_table(rows: list[dict]) -> str:
    """How much each endpoint and protocol slows down with loss: cold median at each loss
    profile ÷ the same at rtt50 (the same round trip, no loss). Empty without both."""
    cold = {(r["page"], r["profile"], r["far_port"], r["protocol"]): r for r in rows if r["mode"] == "cold"}
    lossy = list(dict.fromkeys(r["profile"] for r in rows if r["profile"] != LOSS_REFERENCE and "loss" in r["profile"]))
    pages = list(dict.fromkeys(page for page, profile, *_ in cold if profile == LOSS_REFERENCE))
    if not lossy or not pages:
        return ""
    lines = []
    for page in pages:
        lines += [
            "",
            f"loss: {page}, cold median ms at {LOSS_REFERENCE} and with loss (× = slower than without loss)",
            f"  {'port':5} {'protocol':9} {LOSS_REFERENCE:>8}" + "".join(f" {name:>16}" for name in lossy),
        ]
        for (row_page, profile, port, protocol), reference in cold.items():
            if (row_page, profile) != (page, LOSS_REFERENCE):
                continue
            cells = []
            for name in lossy:
                row = cold.get((page, name, port, protocol))
                cells.append(
                    f" {row['median_ms']:8.1f} ×{row['median_ms'] / reference['median_ms']:<6.2f}"
                    if row
                    else f" {'—':>16}"
                )
            lines.append(f"  {port:<5} {protocol:9} {reference['median_ms']:8.1f}" + "".join(cells))
    return "\n".join(lines)


def browser_table(rows: list[dict]) -> str:
    lines = [
        "",
        "headless Chromium across the far network: load event, median / p95 ms, and the protocols it used",
        f"  {'page':9} {'network':8} {'port':5} {'asked':5} {'load':>15}  protocols",
    ]
    lines += [
        f"  {r['page']:9} {r['profile']:8} {r['far_port']:<5} {r['asked_for']:5} "
        f"{r['median_load_ms']:7.1f} / {r['p95_load_ms']:<6.1f}  {', '.join(r['protocols_used'])}"
        for r in rows
    ]
    return "\n".join(lines)


def upload_table(rows: list[dict]) -> str:
    """Uploads across the far network, per profile: time, rate, bound, and the window that bound it."""
    lines = []
    for profile in dict.fromkeys(row["profile"] for row in rows):
        section = [row for row in rows if row["profile"] == profile]
        lines += [
            "",
            f"uploads: {section[0]['body_bytes']:,} bytes, network {profile}, cold (median ms; bound = handshakes, "
            "then the longest of the uplink, slow start and the server's flow-control window a round trip)",
            f"  {'port':5} {'protocol':9} {'median':>9} {'MB/s':>6} {'bound':>8} {'÷bound':>6}  {'window':>13}",
        ]
        lines += [
            f"  {row['far_port']:<5} {row['protocol']:9} {row['median_ms']:9.1f} {row['megabytes_per_s']:6.2f} "
            f"{row['lower_bound_ms']:>8g} {_ratio(row):>6}  {row['window'] or 'TCP':>13}"
            + (f"  {row['raises'] + FAR_OFFSET} raised: {row['setting']}" if "setting" in row else "")
            + _upload_failure(row)
            for row in section
        ]
    return "\n".join(lines)


SIGNAL_NAMES = {
    PRIORITY_SIGNALS[0]: "RFC 9218",
    PRIORITY_SIGNALS[1]: "RFC 7540",
    PRIORITY_OVER_HTTP3: "RFC 9218, HTTP/3",
    CHROMIUM_OVER_HTTP2: "Chromium, HTTP/2",
    CHROMIUM_OVER_HTTP3: "Chromium, HTTP/3",
}


def streams_table(rows: list[dict]) -> str:
    """Per server: HTTP/2 responses in progress at once, and whether the urgent stylesheet came
    first over HTTP/2 (each signal) and HTTP/3."""
    mux = {row["port"]: row for row in rows if row["case"] == "multiplexing"}
    prio = {(row["port"], row["signal"]): row for row in rows if row["case"] == "priorities"}
    lines = [
        "",
        "one connection: the page's 3 assets at once over HTTP/2 (rtt50), in progress together; the stylesheet "
        "asked last at u=0 after 62 at u=5 (slow4g): ms, × its bound (✓ within ×1.3)",
        "  (Chromium: its own signals on /priorities, cold, the stylesheet timed from its request)",
        f"  {'port':5} {'together':>8}  " + "  ".join(f"{name:>16}" for name in SIGNAL_NAMES.values()),
    ]
    for port in dict.fromkeys(port for port, _ in prio):
        cells = []
        for signal in SIGNAL_NAMES:
            p = prio.get((port, signal))
            cells.append(
                f"{p['stylesheet_ms']:7.0f} ×{p['stylesheet_over_bound']:<4.2f} {'✓' if p['honoured'] else '✗'}"
                if p
                else "—"
            )
        together = mux[port]["most_in_progress"] if port in mux else "—"
        lines.append(f"  {port:<5} {together:>8}  " + "  ".join(f"{cell:>16}" for cell in cells))
    return "\n".join(lines)


def _upload_failure(row: dict) -> str:
    if not row["failed"]:
        return ""
    known = UPLOAD_FLAWS.get((row["service"], row["protocol"]))
    return f"  {row['failed'][0]}: a known flaw ({known.split(':')[0]})" if known else f"  FAILED: {row['failed'][0]}"
