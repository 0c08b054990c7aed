"""What a bench run shows on the terminal: its tables (the charts are in charts.py)."""


def page_load_table(rows: list[dict]) -> str:
    lines = []
    for page, rtt in sorted({(r["page"], r["rtt_ms"]) for r in rows}, key=lambda k: (k[1], k[0])):
        lines += [
            "",
            f"page loads: {page}, RTT {rtt:g} ms (median / p95 ms; bound = round trips alone)",
            f"  {'endpoint':6} {'protocol':9} {'cold':>15} {'bound':>6}  {'warm':>15} {'bound':>6}  {'conns':>5} {'KB in':>7}",
        ]
        pairs: dict[tuple, dict] = {}
        for row in rows:
            if (row["page"], row["rtt_ms"]) == (page, rtt):
                pairs.setdefault((row["port"], row["protocol"]), {})[row["mode"]] = row
        for (port, protocol), modes in pairs.items():
            cold, warm = modes["cold"], modes["warm"]
            lines.append(
                f"  {port:<6} {protocol:9} {cold['median_ms']:7.1f} / {cold['p95_ms']:<6.1f}{cold['lower_bound_ms']:>6g}  "
                f"{warm['median_ms']:7.1f} / {warm['p95_ms']:<6.1f}{warm['lower_bound_ms']:>6g}  "
                f"{cold['runs'][0]['connections']:>5} {cold['runs'][0]['bytes_in'] / 1024:>7.0f}"
            )
    return "\n".join(lines)


def throughput_table(rows: list[dict]) -> str:
    lines = [
        "",
        f"throughput: h2load, {rows[0]['clients']} clients, GET {rows[0]['path']}" if rows else "",
        f"  {'endpoint':6} {'protocol':9} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'failed':>6}  what",
    ]
    lines += [
        f"  {r['port']:<6} {r['protocol']:9} {r['requests_per_second']:>8.0f} {r['latency_ms']['p50']:>7} "
        f"{r['latency_ms']['p99']:>7} {r['failed']:>6}  {r['title']}"
        for r in rows
    ]
    return "\n".join(lines)


def browser_table(rows: list[dict]) -> str:
    lines = [
        "",
        "headless Chromium: load event, median / p95 ms, and the protocols it used",
        f"  {'page':9} {'RTT':>4} {'endpoint':8} {'asked':5} {'load':>15}  protocols",
    ]
    lines += [
        f"  {r['page']:9} {r['rtt_ms']:>4g} {r['port']:<8} {r['asked_for']:5} {r['median_load_ms']:7.1f} / {r['p95_load_ms']:<6.1f}  "
        f"{', '.join(r['protocols_used'])}"
        for r in rows
    ]
    return "\n".join(lines)
