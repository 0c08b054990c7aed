"""tests/hardening/load.py's h2load runs, as the bench container's shell runs them, with a
stand-in h2load on the PATH: every window has a run, however short."""

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "hardening"))
from lab import NGINX_FLASK  # noqa: E402
from load import END, LOG, WARMED, runs_script  # noqa: E402 (the hardening helpers are not a package)

STAND_IN = '#!/bin/sh\necho "h2load $*"\n'


def run(tmp_path: Path, warm_seconds: int, seconds: int) -> str:
    (tmp_path / "h2load").write_text(STAND_IN)
    (tmp_path / "h2load").chmod(0o755)
    script = runs_script(NGINX_FLASK, "h2", warm_seconds, seconds)
    script[2] = script[2].replace("/tmp/requests.log", str(tmp_path / "requests.log"))
    done = subprocess.run(
        script, input="go\n", capture_output=True, text=True, timeout=30, env={"PATH": f"{tmp_path}:/usr/bin:/bin"}
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_window_shorter_than_the_clock_still_has_a_run(tmp_path):
    warm, measured = run(tmp_path, 0, 0).split(f"{WARMED}\n")
    seen = (warm.count(f"{LOG}\n"), warm.count(f"{END}\n"), measured.count(f"{LOG}\n"), measured.count(f"{END}\n"))
    assert seen == (1, 1, 1, 1), f"expected one run, with its request log, in each window, saw {seen}:\n{warm}"


def test_a_run_is_h2load_with_streams_at_the_servers_address(tmp_path):
    first_run = run(tmp_path, 0, 0).splitlines()[0]
    assert first_run.startswith("h2load -c ") and " -m " in first_run and ":8443/" in first_run, first_run
