"""What must hold of a server after a crowd of connections or a sustained load: it and the
servers behind it stay up and healthy, with no crash in their logs (guard.py's checks; the
attacks here bring their own good client). And the endpoints those attacks run against.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

import pytest

from guard import crash_logged, healthy_state, mark_the_logs
from lab import ENDPOINTS, Endpoint
from stack import backends, container_state, health_log, healthy_again

RECOVERY_PATIENCE = 60  # seconds a service an attack left unhealthy may take to pass its healthcheck again


def served_by(endpoint: Endpoint) -> list[str]:
    """The services that carry the endpoint's requests: its own, and any server behind it."""
    return [endpoint.service, *backends(endpoint.service)]


@contextmanager
def unharmed(endpoint: Endpoint, *, saturating: bool = False) -> Iterator[None]:
    """Run the attack in the with-block; then every service that serves the endpoint must be
    up and healthy as before, with no crash in its logs. Whatever the verdict, a service the
    attack left unhealthy is given time to recover, so that the next attack finds it healthy.

    A saturating load may fail the healthcheck while it lasts: the check is one more request
    queued behind the load's (128 streams at a few dozen requests a second wait longer than
    its 10 s). Then the service must not have restarted, and be healthy again once the load ends."""
    before = {service: healthy_state(service) for service in served_by(endpoint)}
    since = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    try:
        yield
        mark = mark_the_logs(endpoint)
        for service, state in before.items():
            crash = crash_logged(service, since, mark)
            assert not crash, f"{endpoint}: expected no crash in {service}'s logs, saw:\n{crash}"
            after = healthy_again(service, RECOVERY_PATIENCE) if saturating else container_state(service)
            assert after == state and after.endswith("running healthy"), (
                f"{endpoint}: expected {service} up and healthy as before ({state})"
                + (f", {RECOVERY_PATIENCE} s after the load at most" if saturating else "")
                + f", saw {after}; its last healthchecks:\n{health_log(service)}"
            )
    finally:
        for service in before:
            healthy_again(service, RECOVERY_PATIENCE)


def param(endpoint: Endpoint, *values, id: str, flaws: dict[str, str] | None = None) -> object:
    """One case: in its service's xdist group (attacks on one service one after another, so
    that a crash in its logs belongs to the attack that caused it), a strict xfail where the
    server has a known upstream flaw for this attack."""
    marks = [pytest.mark.xdist_group(endpoint.service)]
    if flaws and endpoint.service in flaws:
        marks.append(pytest.mark.xfail(strict=True, reason=flaws[endpoint.service]))
    return pytest.param(endpoint, *values, id=id, marks=marks)


def tcp_endpoints(upstream_flaws: dict[str, str] | None = None, *, http2_only: bool = False) -> list:
    """Every endpoint (or every HTTP/2 one) as a pytest parameter, as abuse.http2_endpoints."""
    return [
        param(endpoint, id=endpoint.name, flaws=upstream_flaws)
        for endpoint in ENDPOINTS
        if endpoint.http2 or not http2_only
    ]


def record(request: pytest.FixtureRequest, target: str, seen: str) -> None:
    """For the "how each server coped" table (conftest.py), by endpoint (nginx serves two),
    not by service as abuse's attacks are."""
    attack = request.node.originalname.removeprefix("test_")
    request.node.user_properties.append(("coped", (attack, target, seen)))
