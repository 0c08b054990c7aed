"""The hardening probes: what each server did to each attack, printed as one table at the end.

Each verdict travels with its test's report (user_properties), so the table is
whole when the attacks run in parallel workers (pytest-xdist) too.
"""

from collections import defaultdict

import pytest

from abuse import Verdict
from lab import lab_is_up  # noqa: F401 (the stack must answer)

# attack (the test's name) -> service -> what the server did
OBSERVED: dict[str, dict[str, str]] = defaultdict(dict)


@pytest.fixture
def observe(request):
    """Record what the server did, for the table; returns the verdict unchanged."""

    def record(verdict: Verdict) -> Verdict:
        endpoint = request.node.callspec.params["endpoint"]
        attack = request.node.originalname.removeprefix("test_")
        request.node.user_properties.append(("coped", (attack, endpoint.service, str(verdict))))
        return verdict

    return record


def pytest_runtest_logreport(report) -> None:
    for _, (attack, service, seen) in (p for p in report.user_properties if p[0] == "coped"):
        OBSERVED[attack][service] = seen


def pytest_terminal_summary(terminalreporter) -> None:
    if not OBSERVED:
        return
    terminalreporter.section("how each server coped")
    for attack, by_service in OBSERVED.items():
        terminalreporter.write_line(attack)
        for service, seen in by_service.items():
            terminalreporter.write_line(f"    {service:16} {seen}")
