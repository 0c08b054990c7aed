"""The lab's shape: the bench uses the shared packages, nothing else uses the bench.

The probes, attacks and faults, the clients, the registry, the emulator and the site
must run where the bench's code (and its matplotlib and Playwright) is absent; what
both sides read lives in measure/ and clients/."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Everything but bench/ itself and the unit tests of its code.
BENCH_FREE = ["clients", "endpoints", "measure", "network", "website", "tools", "tests/probes", "tests/hardening"]
BENCH_FREE += ["tests/network", "tests/faults", "tests/lab.py", "tests/stack.py", "tests/wire.py"]


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def python_files(place: str) -> list[Path]:
    path = ROOT / place
    return [path] if path.is_file() else sorted(path.rglob("*.py"))


@pytest.mark.parametrize("place", BENCH_FREE)
def test_nothing_outside_the_bench_imports_it(place):
    files = python_files(place)
    assert files, f"{place}: no Python files there; update BENCH_FREE"
    importing = [str(path.relative_to(ROOT)) for path in files if "bench" in imported_packages(path)]
    assert not importing, (
        f"{place}: expected no import of bench (shared code lives in measure/ or clients/), saw it in {importing}"
    )


def test_measure_stands_alone():
    """measure/ reads what tools print; it needs none of the lab's other packages."""
    lab_packages = {"bench", "clients", "endpoints", "network", "website", "tools"}
    for path in python_files("measure"):
        assert not imported_packages(path) & lab_packages, (
            f"{path.relative_to(ROOT)} imports {imported_packages(path) & lab_packages}"
        )
