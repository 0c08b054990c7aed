"""make bench, inside the bench container on the compose network:

    python3 -m bench [--quick] [--runs N] [--profiles rtt50,slow4g,lossy] [--out /results] [--trace]

Uploads (bench/uploads.py) run on their own profiles: rtt50, cable and slow4g (--quick: rtt50);
multiplexing and priorities (bench/streams.py) on rtt50 and slow4g; Chromium's own priority
signals (bench/browser_priorities.py) on slow4g.

Progress while it runs, tables at the end, and under --out a folder per run
with bench.json (every run, the versions, the machine) and the charts. The cost
and scale figures come from bench.scale, which make bench runs on the host first
(it reads the containers' counters) and which leaves them in OUT/scale.json.
"""

import argparse
import asyncio
import json
import os
import platform
import sys
import time
from pathlib import Path

from bench import browser_priorities, charts, check, far, report, run, scale_report, streams, uploads
from network.profiles import PROFILES, Profile

DEFAULT_PROFILES = "rtt50,slow4g,lossy"


def clients() -> dict:
    """The measuring side's own versions."""
    import importlib.metadata
    import subprocess

    def first_line(command: list[str]) -> str:
        done = subprocess.run(command, capture_output=True, text=True)
        return (done.stdout or done.stderr).strip().splitlines()[0]

    return {
        "python": platform.python_version(),
        "chromium": first_line(["chromium", "--version"]),
        "h2load": first_line(["h2load", "--version"]),
    } | {package: importlib.metadata.version(package) for package in ("h2", "h11", "aioquic", "playwright")}


def machine() -> dict:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
        platform.machine(),
    )
    memory_kb = int(next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")))
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 2**20, 1),
        "kernel": platform.release(),
    }


def scale_results(out: Path) -> dict:
    """What bench.scale measured on the host just before this run."""
    measured = out / "scale.json"
    if not measured.exists():
        sys.exit(f"no {measured}: make bench runs python3 -m bench.scale on the host first (it needs docker)")
    return json.loads(measured.read_text())


async def measure(arguments) -> dict:
    """Page loads and the browser across the far network, profile by profile."""
    results = {"page_loads": [], "browser": []}
    with far.restored():
        for profile in arguments.profiles:
            far.use(profile)
            print(f"{profile.describe()}: page loads, {arguments.runs} runs per case, cold and warm", flush=True)
            results["page_loads"] += await run.page_loads(profile, arguments.runs)
            print(f"{profile.name}: headless Chromium, {arguments.browser_runs} loads each", flush=True)
            results["browser"] += await run.browser_loads(profile, arguments.browser_runs)
    traces = arguments.out / arguments.started / "traces" if arguments.trace else None
    results["uploads"] = await uploads.measure(
        arguments.upload_profiles, arguments.upload_runs, run.CA_FILE, run.progress, traces
    )
    print("many requests on one HTTP/2 connection: multiplexing (rtt50), priorities (slow4g)", flush=True)
    results["streams"] = await streams.measure(arguments.upload_runs, run.CA_FILE, run.progress, traces)
    print("Chromium's own priority signals: /priorities, slow4g", flush=True)
    results["streams"] += await browser_priorities.measure(arguments.upload_runs, run.progress)
    return results


def profile_list(text: str) -> list[Profile]:
    unknown = [name for name in text.split(",") if name not in PROFILES]
    if unknown:
        raise argparse.ArgumentTypeError(f"no profile {', '.join(unknown)}; choose from {', '.join(PROFILES)}")
    return [PROFILES[name] for name in text.split(",")]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python3 -m bench")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 runs per case, rtt50 only")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--profiles", type=profile_list, default=DEFAULT_PROFILES, help="comma-separated profile names")
    parser.add_argument("--out", type=Path, default=Path("/results"))
    parser.add_argument("--trace", action="store_true", help="keep frame logs, qlogs and a picture per case")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.runs, arguments.profiles = 2, [PROFILES["rtt50"]]
    arguments.browser_runs = 1 if arguments.quick else 5
    arguments.upload_profiles = uploads.PROFILE_NAMES[:1] if arguments.quick else uploads.PROFILE_NAMES
    arguments.upload_runs = 1 if arguments.quick else min(arguments.runs, uploads.FULL_RUNS)

    started = arguments.started = time.strftime("%Y-%m-%dT%H%M%SZ", time.gmtime())
    scale = scale_results(arguments.out)
    results = asyncio.run(measure(arguments)) | {"scale": scale}
    folder = arguments.out / started
    folder.mkdir(parents=True, exist_ok=True)
    versions_file = arguments.out / "versions.json"
    meta = {
        "started": started,
        "finished": time.strftime("%Y-%m-%dT%H%M%SZ", time.gmtime()),
        "quick": arguments.quick,
        "runs": arguments.runs,
        "profiles": [profile.as_dict() for profile in arguments.profiles],
        "upload_profiles": list(arguments.upload_profiles),
        "upload_runs": arguments.upload_runs,
        "network": "the lab's network emulator (network/): packet-level delay, rate and loss, both ways",
        "machine": machine(),
        "versions": json.loads(versions_file.read_text()) if versions_file.exists() else {},
        "clients": clients(),
    }
    (folder / "bench.json").write_text(json.dumps({"meta": meta, **results}, indent=1))
    charts_written = charts.page_load_charts(results["page_loads"], folder)
    charts_written += charts.upload_charts(results["uploads"], folder)
    charts_written.append(charts.scale_chart(scale["points"], folder))
    charts_written.append(charts.breakdown_chart(scale["breakdown"], folder))
    print(report.page_load_table(results["page_loads"]))
    print(report.browser_table(results["browser"]))
    print(report.loss_table(results["page_loads"]))
    print(report.upload_table(results["uploads"]))
    print(report.streams_table(results["streams"]))
    print(scale_report.tables(scale))
    latest = arguments.out / "latest"
    latest.unlink(missing_ok=True)
    latest.symlink_to(started)
    print(f"\nresults: {folder / 'bench.json'}; charts: {', '.join(path.name for path in charts_written)}")
    sys.exit(check.main(folder))


if __name__ == "__main__":
    main()
