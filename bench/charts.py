"""What a bench run shows as pictures: a bar chart per page and RTT, one per upload profile, and throughput
against connections."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from bench.breakdown import stack  # noqa: E402
from bench.report import chart_name, upload_chart_name  # noqa: E402
from bench.scale_report import BREAKDOWN_CHART, SCALE_CHART  # noqa: E402


def page_load_charts(rows: list[dict], folder: Path) -> list[Path]:
    """A PNG per page and network profile: cold and warm medians per endpoint and
    protocol, p95 as whiskers, the network's lower bound as a black tick."""
    written = []
    for page, profile in dict.fromkeys((r["page"], r["profile"]) for r in rows):
        selected = [r for r in rows if (r["page"], r["profile"]) == (page, profile)]
        labels = list(dict.fromkeys(f"{r['far_port']}\n{r['protocol']}" for r in selected))
        figure, axes = plt.subplots(figsize=(max(8, 0.9 * len(labels)), 4.8))
        width = 0.4
        for offset, mode, colour in [(-width / 2, "cold", "#4472c4"), (width / 2, "warm", "#ed7d31")]:
            series = [
                next(r for r in selected if f"{r['far_port']}\n{r['protocol']}" == label and r["mode"] == mode)
                for label in labels
            ]
            xs = [i + offset for i in range(len(labels))]
            medians = [r["median_ms"] for r in series]
            errors = [[0] * len(series), [r["p95_ms"] - r["median_ms"] for r in series]]
            axes.bar(xs, medians, width, yerr=errors, capsize=2, label=f"{mode} (median, p95 whisker)", color=colour)
            axes.scatter(
                xs,
                [r["lower_bound_ms"] for r in series],
                marker="_",
                s=300,
                color="black",
                zorder=3,
                label="lower bound (what the network imposes)" if mode == "cold" else None,
            )
        axes.set_xticks(range(len(labels)), labels, fontsize=8)
        axes.set_ylabel("page load, ms")
        axes.set_title(f"{page} page, network {profile}: load time by endpoint (far port) and protocol")
        axes.legend(fontsize=8)
        figure.tight_layout()
        path = folder / chart_name(page, profile)
        figure.savefig(path, dpi=110)
        plt.close(figure)
        written.append(path)
    return written


UPLOAD_PROTOCOLS = {"http/1.1": "#a5a5a5", "h2": "#4472c4", "h3": "#70ad47"}


def upload_charts(rows: list[dict], folder: Path) -> list[Path]:
    """A PNG per upload profile: each endpoint's median upload time (a raised window's beside
    the rest), a bar per protocol, its bound as a black tick; an upload that failed (a known
    flaw) has no bar."""
    written = []
    for profile in dict.fromkeys(r["profile"] for r in rows):
        selected = [r for r in rows if r["profile"] == profile]
        ports = list(dict.fromkeys(r["far_port"] for r in selected))
        figure, axes = plt.subplots(figsize=(max(8, 0.8 * len(ports)), 4.8))
        width = 0.27
        for index, (protocol, colour) in enumerate(UPLOAD_PROTOCOLS.items()):
            series = [
                (i, r) for i, port in enumerate(ports) for r in selected
                if (r["far_port"], r["protocol"]) == (port, protocol) and not r["failed"]
            ]  # fmt: skip
            xs = [i + (index - 1) * width for i, _ in series]
            axes.bar(xs, [r["median_ms"] / 1000 for _, r in series], width, label=protocol, color=colour)
            axes.scatter(xs, [r["lower_bound_ms"] / 1000 for _, r in series], marker="_", s=150, color="black",
                         zorder=3, label="lower bound" if index == 0 else None)  # fmt: skip
        labels = [f"{port}" + ("\nraised" if any("setting" in r for r in selected if r["far_port"] == port) else "")
                  for port in ports]  # fmt: skip
        axes.set_xticks(range(len(ports)), labels, fontsize=8)
        axes.set_ylabel("upload, s (median)")
        axes.set_title(f"uploads of {selected[0]['body_bytes']:,} bytes, network {profile}, cold, by far port")
        axes.legend(fontsize=8)
        figure.tight_layout()
        path = folder / upload_chart_name(profile)
        figure.savefig(path, dpi=110)
        plt.close(figure)
        written.append(path)
    return written


def scale_chart(points: list[dict], folder: Path) -> Path:
    """Requests/s against connections, both log scales: a line per endpoint and protocol,
    a colour per endpoint, solid for HTTP/2, dashed for HTTP/1.1."""
    figure, axes = plt.subplots(figsize=(10, 6))
    labels = list(dict.fromkeys(p["label"] for p in points))
    colours = plt.get_cmap("tab10")
    for label, protocol in dict.fromkeys((p["label"], p["protocol"]) for p in points):
        line = sorted(
            (p for p in points if (p["label"], p["protocol"]) == (label, protocol)), key=lambda p: p["connections"]
        )
        axes.plot(
            [p["connections"] for p in line],
            [p["requests_per_second"] for p in line],
            marker="o",
            linestyle="-" if protocol == "h2" else "--",
            color=colours(labels.index(label) % 10),
            label=f"{label} {protocol}: {line[0]['title']}",
        )
    axes.set_xscale("log", base=2)
    levels = sorted({p["connections"] for p in points})
    axes.set_xticks(levels, [str(level) for level in levels])
    axes.set_yscale("log")
    axes.set_xlabel("connections (HTTP/2: 8 streams each; HTTP/1.1: one request at a time)")
    axes.set_ylabel("requests/s")
    axes.set_title("throughput as connections grow (near, no emulator; one machine's shared cores)")
    axes.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    figure.tight_layout()
    path = folder / SCALE_CHART
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


SEGMENT_COLOURS = {"bare": "#4472c4", "framework": "#ed7d31", "file": "#a5a5a5"}
SEGMENT_NAMES = {
    "bare": "the server: TLS (Gunicorn behind nginx: none), HTTP/2 or 1.1, a minimal app",
    "framework": "the framework (Sanic: server and framework in one)",
    "file": "the file response",
}


def breakdown_chart(rows: list[dict], folder: Path) -> Path:
    """A stacked bar per server: CPU ms per request in the server, the framework and the file
    response (breakdown.stack); a layer that measured cheaper than the one below it adds
    nothing to the bar (the table shows the difference). The own static route is a marker."""
    servers = list(dict.fromkeys(r["server"] for r in rows))
    figure, axes = plt.subplots(figsize=(10, 0.5 * len(servers) + 2))
    named = set()
    for y, server in enumerate(servers):
        mine = [r for r in rows if r["server"] == server]
        left = 0.0
        for layer, added in stack(mine):
            width = max(added or 0.0, 0.0)
            label = SEGMENT_NAMES[layer] if layer not in named else None
            named.add(layer)
            axes.barh(y, width, left=left, color=SEGMENT_COLOURS[layer], label=label)
            left += width
        own = next((r for r in mine if r["layer"] == "own"), None)
        if own and own["cpu_seconds_per_1000"] is not None:
            label = "the server's own static route (no Python)" if "own" not in named else None
            named.add("own")
            axes.scatter(own["cpu_seconds_per_1000"], y, marker="x", color="black", zorder=3, label=label)
    titles = {r["server"]: f"{r['server']} ({r['framework'] or 'no framework'}, {r['protocol']})" for r in rows}
    axes.set_yticks(range(len(servers)), [titles[server] for server in servers], fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("CPU ms per request (the server's cgroup, less its idle rate), 64 connections")
    axes.set_title("where the time goes: one tile from memory, through the framework, from a file", fontsize=10)
    axes.legend(fontsize=8, loc="lower right")
    figure.tight_layout()
    path = folder / BREAKDOWN_CHART
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
