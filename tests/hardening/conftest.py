"""The hardening probes: what each server did to each attack, printed as one table at the end,
and how many of the conformance rules each server met: HTTP/2's (test_conformance.py) and
HTTP/3's (test_h3_conformance.py).

Each verdict travels with its test's report (user_properties), so the table is
whole when the attacks run in parallel workers (pytest-xdist) too.
"""

from collections import defaultdict

import pytest

from abuse import Verdict
from conformance import MET
from h3_abuse import Verdict as H3Verdict
from lab import pytest_sessionstart  # noqa: F401 (the stack must answer when a run starts)

# attack (the test's name) -> service -> what the server did
OBSERVED: dict[str, dict[str, str]] = defaultdict(dict)
# service -> conformance case -> its outcome: met, refused another way, let through
CONFORMED: dict[str, dict[str, str]] = defaultdict(dict)
CONFORMED_H3: dict[str, dict[str, str]] = defaultdict(dict)  # the same, for HTTP/3


@pytest.fixture
def observe(request):
    """Record what the server did, for the table; returns the verdict unchanged."""

    def record(verdict: Verdict) -> Verdict:
        endpoint = request.node.callspec.params["endpoint"]
        attack = request.node.originalname.removeprefix("test_")
        request.node.user_properties.append(("coped", (attack, endpoint.service, str(verdict))))
        return verdict

    return record


@pytest.fixture
def conformance(request):
    """Record whether the server did what the RFC says, for the conformance summaries (HTTP/2's,
    or HTTP/3's for an h3_abuse.Verdict); returns the verdict unchanged."""

    def record(case, verdict: Verdict | H3Verdict) -> Verdict | H3Verdict:
        endpoint = request.node.callspec.params["endpoint"]
        kind = "conformed_h3" if isinstance(verdict, H3Verdict) else "conformed"
        request.node.user_properties.append((kind, (endpoint.service, case.id, case.rule.outcome(verdict))))
        return verdict

    return record


# The probes that crash a server whose traceback can reach its log after the test is over
# (Hypercorn prints it when Python collects the failed task): they run last, rapid reset the
# very last, so that no later attack is blamed for a crash they caused.
CRASH_LATE = ("priority-onto-its-own-dependant", "test_rapid_reset")


def pytest_collection_modifyitems(items) -> None:
    """Each service's attacks run in one worker, in this order: the attack files in turn, each
    service starting at a different one (the sustained loads, which take all the CPU they
    get, then come at different times, not all at once on a 2-core machine); CRASH_LATE last."""
    files = sorted({item.path.name for item in items})
    services = sorted({group(item) for item in items})

    def turn(item) -> tuple[int, int]:
        rotated = files.index(item.path.name) - services.index(group(item))
        late = next((rank for rank, name in enumerate(CRASH_LATE, 1) if name in item.name), 0)
        return late, rotated % len(files)

    items.sort(key=turn)


def group(item) -> str:
    marks = list(item.iter_markers("xdist_group"))
    return marks[0].args[0] if marks else ""


def pytest_runtest_logreport(report) -> None:
    for kind, recorded in report.user_properties:
        if kind == "coped":
            attack, service, seen = recorded
            OBSERVED[attack][service] = seen
        elif kind == "conformed":
            service, case, outcome = recorded
            CONFORMED[service][case] = outcome
        elif kind == "conformed_h3":
            service, case, outcome = recorded
            CONFORMED_H3[service][case] = outcome


def pytest_terminal_summary(terminalreporter) -> None:
    if OBSERVED:
        terminalreporter.section("how each server coped")
        for attack, by_service in OBSERVED.items():
            terminalreporter.write_line(attack)
            for service, seen in by_service.items():
                terminalreporter.write_line(f"    {service:16} {seen}")
    if CONFORMED:
        terminalreporter.section("conformance: RFC 9113 and RFC 7541 rules met")
        for service, by_case in sorted(CONFORMED.items()):
            terminalreporter.write_line(conformance_line(service, by_case))
    if CONFORMED_H3:
        terminalreporter.section("conformance: RFC 9114 and RFC 9204 rules met")
        for service, by_case in sorted(CONFORMED_H3.items()):
            terminalreporter.write_line(conformance_line(service, by_case))


def conformance_line(service: str, by_case: dict[str, str]) -> str:
    """'nginx  32/54 met; let through (10): ...; refused another way (12): ...'"""
    missed = defaultdict(list)
    for case, outcome in sorted(by_case.items()):
        if outcome != MET:
            missed[outcome].append(case)
    met = f"{len(by_case) - sum(map(len, missed.values()))}/{len(by_case)} met"
    return "; ".join(
        [f"{service:16} {met}"] + [f"{how} ({len(cases)}): {', '.join(cases)}" for how, cases in missed.items()]
    )
