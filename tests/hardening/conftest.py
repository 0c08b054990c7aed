"""The hardening probes: what each server did to each attack, printed as one table at the end."""

from collections import defaultdict

import pytest

from abuse import Verdict

# attack (the test's name) -> service -> what the server did
OBSERVED: dict[str, dict[str, str]] = defaultdict(dict)


@pytest.fixture
def observe(request):
    """Record what the server did, for the table; returns the verdict unchanged."""

    def record(verdict: Verdict) -> Verdict:
        endpoint = request.node.callspec.params["endpoint"]
        OBSERVED[request.node.originalname.removeprefix("test_")][endpoint.service] = str(verdict)
        return verdict

    return record


def pytest_terminal_summary(terminalreporter) -> None:
    if not OBSERVED:
        return
    terminalreporter.section("how each server coped")
    for attack, by_service in OBSERVED.items():
        terminalreporter.write_line(attack)
        for service, seen in by_service.items():
            terminalreporter.write_line(f"    {service:16} {seen}")
