"""What every suite shares: each run writes what became of each of its tests to
results/tests/<suite>.json (passed, failed, xfailed, xpassed, skipped, error), the
record the matrix is made from (python3 -m bench.matrix), never typed by hand; and how
long each took (setup, call and teardown) and the suite's whole run, to see where
make test's time goes."""

import json
import re
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent.parent / "results" / "tests"
XDIST_GROUP = r"@[^\]@]*$"  # pytest-xdist's loadgroup suffix, "...[8443-nginx]@nginx"
_outcomes: dict[str, str] = {}
_seconds: dict[str, float] = {}
_started = time.monotonic()


def outcome_of(report) -> str | None:
    """A test's outcome from one of its reports; None where that report does not decide it."""
    xfail = hasattr(report, "wasxfail")
    if report.when == "call":
        if xfail:
            return "xpassed" if report.passed else "xfailed"
        return report.outcome
    if report.failed:
        return "error"
    if report.skipped:
        return "xfailed" if xfail else "skipped"
    return None


def pytest_runtest_logreport(report) -> None:
    _seconds[report.nodeid] = _seconds.get(report.nodeid, 0.0) + report.duration
    decided = outcome_of(report)
    if decided and _outcomes.get(report.nodeid) not in ("failed", "error"):
        _outcomes[report.nodeid] = decided


def suite_of(args: list[str]) -> str:
    """tests/hardening/test_x.py::y → hardening; several suites at once → their names joined."""
    names = []
    for arg in args:
        parts = Path(arg.split("::")[0]).parts
        names.append(parts[parts.index("tests") + 1] if "tests" in parts[:-1] else Path(parts[-1]).stem)
    return "+".join(dict.fromkeys(names)) or "all"


def pytest_sessionfinish(session) -> None:
    if hasattr(session.config, "workerinput") or not _outcomes:  # an xdist worker: the controller writes
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    record = {
        "suite": suite_of(session.config.args),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "outcomes": {re.sub(XDIST_GROUP, "", nodeid): outcome for nodeid, outcome in sorted(_outcomes.items())},
        "seconds": {nodeid: round(seconds, 2) for nodeid, seconds in sorted(_seconds.items())},
        "wall_seconds": round(time.monotonic() - _started, 1),
    }
    (RESULTS / f"{record['suite']}.json").write_text(json.dumps(record, indent=1))
