"""Whether a scale point measured its server or the load generator.

h2load (one thread) shares the machine's cores with the server it loads, so a fast enough
server is held back by its client, and the number says nothing about the server. Every
scale run therefore measures the ceiling in the same run: the same client, protocol and
connections against nginx serving the file itself (8448), the cheapest server here. A
server's requests/s are published only when that ceiling is at least MARGIN times them;
otherwise the report says the harness was the limit, and gives no number for the server.
"""

from endpoints import STATIC_NGINX

CEILING_LABEL = str(STATIC_NGINX.port)
MARGIN = 5  # the ceiling at least 5× the server's rate: the client then spends a fifth of what it can
VERDICTS = ("ceiling", "published", "harness")


def ceiling_point(points: list[dict], protocol: str, connections: int) -> dict | None:
    return next(
        (p for p in points if (p["label"], p["protocol"], p["connections"]) == (CEILING_LABEL, protocol, connections)),
        None,
    )


def judged(rows: list[dict], points: list[dict]) -> list[dict]:
    """Each row (a point of `points`, or a stock row) with its ceiling's requests/s, from
    `points`, beside it and its verdict: "ceiling" (the ceiling itself), "published" (the
    ceiling MARGIN× above it or more), or "harness" (the client was the limit, or no ceiling
    was measured at that protocol and connections)."""
    judgements = []
    for point in rows:
        ceiling = ceiling_point(points, point["protocol"], point["connections"])
        ceiling_rate = ceiling["requests_per_second"] if ceiling else None
        if point["label"] == CEILING_LABEL:
            verdict = "ceiling"
        elif ceiling_rate and ceiling_rate >= MARGIN * point["requests_per_second"]:
            verdict = "published"
        else:
            verdict = "harness"
        judgements.append(point | {"ceiling_requests_per_second": ceiling_rate, "verdict": verdict})
    return judgements


def published_rate(point: dict) -> float | None:
    """The point's requests/s, or None where the harness was the limit (its verdict, judged())."""
    return None if point.get("verdict") == "harness" else point["requests_per_second"]


def background_cores(idle_cpu_per_second: dict[str, float]) -> float:
    """What the lab's own containers kept busy while idle (their healthchecks), in cores."""
    return round(sum(idle_cpu_per_second.values()), 3)


def machine_times() -> tuple[int, int]:
    """The machine's CPU time since boot, busy and all, in clock ticks (/proc/stat's first line)."""
    with open("/proc/stat") as stat:
        ticks = [int(field) for field in stat.readline().split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return sum(ticks[:8]) - idle, sum(ticks[:8])


def machine_cores_busy(before: tuple[int, int], after: tuple[int, int], cores: int) -> float:
    """How many cores the whole machine kept busy between two machine_times()."""
    busy, total = after[0] - before[0], after[1] - before[1]
    return round(cores * busy / total, 3) if total else 0.0
