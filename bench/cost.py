"""The arithmetic of cost: CPU per request from a container's counters over a measured
window, throughput per core, and memory per idle connection."""

Reading = tuple[int, int]  # (connections still open, anonymous bytes of the server's containers)


def cpu_cost(requests: int, cpu_seconds: float, window_seconds: float, idle_cpu_per_second: float) -> dict:
    """What the requests of one window cost: the CPU the containers spent in it, less what
    they spend idle (their healthchecks), per 1000 requests and as cores kept busy."""
    idle_cpu_seconds = idle_cpu_per_second * window_seconds
    spent = cpu_seconds - idle_cpu_seconds
    return {
        "cpu_seconds": round(cpu_seconds, 3),
        "idle_cpu_seconds": round(idle_cpu_seconds, 3),
        "window_seconds": round(window_seconds, 3),
        "cpu_seconds_per_1000": round(spent / requests * 1000, 4) if requests else None,
        "cores_busy": round(spent / window_seconds, 3),
    }


def requests_per_core_second(requests_per_second: float, cores_busy: float) -> float | None:
    """Throughput per core: the requests one fully busy core of this server would answer each second."""
    return round(requests_per_second / cores_busy) if cores_busy > 0 else None


def bytes_per_connection(few: Reading, many: Reading) -> int | None:
    """(anon with many open − anon with few open) ÷ the connections added; None if none stayed open."""
    added = many[0] - few[0]
    return round((many[1] - few[1]) / added) if added > 0 else None
