"""make test's parallel runs rest on pytest-xdist's groups: attacks on one service run one
after another in one worker, so that a crash in a server's log belongs to the attack that
caused it. This checks that the installed pytest and pytest-xdist really do that."""

import subprocess
import sys
import textwrap

PROBE = textwrap.dedent(
    """
    import os
    import pytest

    @pytest.mark.parametrize("n", [pytest.param(n, marks=pytest.mark.xdist_group(f"g{n % 2}")) for n in range(8)])
    def test_where(n):
        with open("ran.txt", "a") as ran:
            ran.write(f"g{n % 2} {os.environ['PYTEST_XDIST_WORKER']}\\n")
    """
)


def test_a_group_runs_in_one_worker(tmp_path):
    (tmp_path / "test_probe.py").write_text(PROBE)
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "4", "--dist", "loadgroup", "-p", "no:cacheprovider", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    workers: dict[str, set[str]] = {}
    log = tmp_path / "ran.txt"
    for line in log.read_text().splitlines() if log.exists() else []:
        group, worker = line.split()
        workers.setdefault(group, set()).add(worker)
    assert ran.returncode == 0 and workers.keys() == {"g0", "g1"}, f"the probe run failed:\n{ran.stdout}{ran.stderr}"
    assert all(len(seen) == 1 for seen in workers.values()), (
        f"expected each xdist_group in one worker (--dist loadgroup), saw {workers}: "
        "this pytest and pytest-xdist do not group, so attacks on one service would overlap"
    )
