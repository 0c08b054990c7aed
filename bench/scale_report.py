"""What the cost and scale run shows on the terminal: its tables (its chart: charts.py)."""

from bench.breakdown import stack
from bench.ceiling import CEILING_LABEL, MARGIN, published_rate

SCALE_CHART = "scale-throughput.png"
BREAKDOWN_CHART = "breakdown.png"


def _number(value, spec: str = ".0f") -> str:
    return "—" if value is None else format(value, spec)


def caveat(meta: dict) -> str:
    plan = meta["plan"]
    return (
        f"on {meta['cores']} cores that {meta['shared']}; GET {meta['path']}"
        + "".join(f" ({label}: {path})" for label, path in meta.get("own_routes", {}).items())
        + ", "
        f"{plan['seconds']} s per point after {plan['warm_up']} s of warm-up; CPU from each container's cgroup, "
        "less its idle rate (healthchecks); nginx → Flask counts both containers"
    )


def rate(point: dict) -> str:
    """Requests/s as published: a number the harness held back is shown as a floor, marked *."""
    published = published_rate(point)
    return f"≥{point['requests_per_second']:.0f}*" if published is None else f"{published:.0f}"


def harness_note(background: dict | None) -> str:
    note = (
        f"  * the harness was the limit: the same client against nginx serving the file (the ceiling, "
        f"{CEILING_LABEL}) did not reach {MARGIN}× this, so the server may do more"
    )
    if background:
        note += (
            f"\n  background while idle: the lab's containers {background['containers_cores']} cores "
            f"(healthchecks), the whole machine {background['machine_cores']}"
        )
    return note


def points_table(points: list[dict], meta: dict, background: dict | None = None) -> str:
    lines = [
        "",
        "throughput and cost vs connections (near, no emulator; HTTP/2: 8 streams per connection, "
        "HTTP/1.1: one request at a time)",
        f"  {caveat(meta)}",
        harness_note(background),
        f"  {'port':6} {'protocol':8} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} "
        f"{'CPU s/1000':>10} {'req/s/core':>10}",
    ]
    lines += [
        f"  {p['label']:6} {p['protocol']:8} {p['connections']:>5} {rate(p):>8} "
        f"{_number(p['latency_ms'].get('p50'), '.2f'):>8} {_number(p['latency_ms'].get('p99'), '.2f'):>8} {p['failed']:>6} "
        f"{_number(p['cpu_seconds_per_1000'], '.4f'):>10} {_number(p['requests_per_core_second']):>10}"
        for p in points
    ]
    return "\n".join(lines)


def memory_table(memory: list[dict]) -> str:
    lines = [
        "",
        "memory per idle HTTP/2 connection (TLS done, SETTINGS exchanged; anonymous memory of the containers)",
        f"  {'port':6} {'open':>11} {'failed':>6} {'MiB with 1':>10} {'MiB with n':>10} {'bytes/conn':>10}  what",
    ]
    lines += [
        f"  {m['label']:6} {m['open_with_one']:>5} → {m['open_with_many']:<3} {m['failed']:>6} "
        f"{m['anon_bytes_with_one'] / 2**20:>10.1f} {m['anon_bytes_with_many'] / 2**20:>10.1f} "
        f"{_number(m['bytes_per_connection']):>10}  {m['title']}"
        for m in memory
    ]
    return "\n".join(lines)


def flood_table(floods: list[dict]) -> str:
    lines = [
        "",
        "a flood of QUIC Initials at each HTTP/3 server: its anonymous memory (MiB) before, after, and later",
        f"  {'port':6} {'initials':>8} {'before':>7} {'flooded':>7} {'later':>7} {'after s':>7}  {'kept':>6}  what",
    ]
    lines += [
        f"  {f['label']:6} {f['initials']:>8} {f['anon_bytes_before'] / 2**20:>7.0f} "
        f"{f['anon_bytes_after_flood'] / 2**20:>7.0f} {f['anon_bytes_later'] / 2**20:>7.0f} {f['waited_seconds']:>7} "
        f"{f['kept_bytes'] / 2**20:>6.0f}  {f['title']}{'' if f['returned'] else ' (kept)'}"
        for f in floods
    ]
    return "\n".join(lines)


LAYER_WHAT = {
    "bare": "the server: {protocol}, a minimal app answering from memory",
    "framework": "{framework} routing to a handler answering from memory",
    "file": "{framework} answering the file",
    "own": "the server's own static route (no Python)",
}


def breakdown_table(rows: list[dict]) -> str:
    """Each server's layers: req/s, CPU ms per request, and what each layer adds to the one below."""
    lines = [
        "",
        "where the time goes, per server: the same tile at each depth of the same process, 64 connections "
        "(CPU ms per request from the server's cgroup; adds: more than the layer below)",
        f"  {'server':24} {'protocol':8} {'layer':9} {'req/s':>8} {'CPU ms':>7} {'adds':>7}  what",
    ]
    for server in dict.fromkeys(r["server"] for r in rows):
        mine = [r for r in rows if r["server"] == server]
        added = dict(stack(mine))
        for row in mine:
            protocol = ("TLS, " if row.get("tls", True) else "plain ") + row["protocol"]
            what = LAYER_WHAT[row["layer"]].format(framework=row["framework"] or "the server", protocol=protocol)
            if row["layer"] == "framework" and "bare" not in added:
                what = f"{row['framework']}, server and framework in one, answering from memory"
            lines.append(
                f"  {server if row is mine[0] else '':24} {row['protocol']:8} {row['layer']:9} {rate(row):>8} "
                f"{_number(row['cpu_seconds_per_1000'], '.3f'):>7} {_number(added.get(row['layer']), '+.3f'):>7}  {what}"
            )
    return "\n".join(lines)


def _settings_text(entry: dict) -> str:
    if "settings" in entry:
        return f"{entry['file']}: " + "; ".join(entry["settings"])
    return " ".join(entry["command"] or [])


def stock_table(stock: list[dict], settings: dict[str, dict], connections: int) -> str:
    lines = [
        "",
        f"stock against the lab's configuration, {connections} connections (settings under each)",
        f"  {'server':24} {'variant':7} {'protocol':8} {'req/s':>8} {'p99 ms':>8} {'errors':>6} {'CPU s/1000':>10}",
    ]
    for row in stock:
        lines += [
            f"  {row['server']:24} {row['variant']:7} {row['protocol']:8} {rate(row):>8} "
            f"{_number(row['latency_ms'].get('p99'), '.2f'):>8} {row['failed']:>6} {_number(row['cpu_seconds_per_1000'], '.4f'):>10}",
            f"      {_settings_text(settings[row['host']])}",
        ]
    return "\n".join(lines)


def _yes(flag: bool) -> str:
    return "yes" if flag else "—"


def choice_table(choice: list[dict]) -> str:
    lines = [
        "",
        "which should I use? (req/s per core: where it went fastest; p99 at 64 connections; "
        "memory per idle connection)",
        f"  {'port':6} {'protocol':8} {'best at':>7} {'req/s':>8} {'req/s/core':>10} {'p99 ms':>8} "
        f"{'bytes/conn':>10} {'push':>4} {'103':>3} {'h3':>3}  maturity",
    ]
    lines += [
        f"  {c['label']:6} {c['protocol']:8} {c['best_connections']:>7} {rate(c):>8} "
        f"{_number(c['requests_per_core_second']):>10} {_number(c['p99_ms_at_64'], '.2f'):>8} "
        f"{_number(c['bytes_per_connection']):>10} {_yes(c['push']):>4} {_yes(c['early_hints']):>3} "
        f"{_yes(c['http3']):>3}  {c['title']}: {c['maturity']} ({', '.join(c['versions'])})"
        for c in choice
    ]
    return "\n".join(lines)


def tables(scale: dict) -> str:
    return "\n".join(
        [
            points_table(scale["points"], scale["meta"], scale.get("background")),
            memory_table(scale["memory"]),
            breakdown_table(scale.get("breakdown", [])),
            stock_table(scale["stock"], scale["settings"], scale["meta"]["stock_connections"]),
            choice_table(scale["choice"]),
            flood_table(scale.get("floods", [])),
        ]
    )
