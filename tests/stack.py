"""The running stack as Docker sees it: containers, their settings, their logs.

The services come from compose itself (`docker compose config`), never a list
kept here: a server is a service that runs as the servers' user. What every attack
asks before and after it (a container's state, its logs, a command in it) goes to
the plain docker CLI by the labels compose puts on its containers: a `docker compose`
call reads the whole project first and costs 0.3-1 s, `docker` 20 ms.
"""

import functools
import json
import subprocess
import time

from lab import ROOT
from measure import cgroup

PROJECT = "h2lab"
SERVER_USER = "10001:10001"


def compose(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["docker", "compose", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=check
    )


@functools.cache
def services() -> dict[str, dict]:
    """Every service `make up` starts, as compose resolves it (profiles left out)."""
    done = compose("config", "--format", "json", check=False)
    if done.returncode != 0:
        raise RuntimeError(f"docker compose config failed ({done.stderr.strip()}): is Docker running? make up first")
    return json.loads(done.stdout)["services"]


def servers() -> list[str]:
    return [name for name, service in services().items() if service.get("user") == SERVER_USER]


def docker(*args: str, timeout: float = 30, check: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, check=check)


# service -> its container's id, as found once: a container keeps its id when it is stopped,
# started and restarted, and a run asks for it thousands of times (each docker call costs
# 30 ms of CPU). Looked up again once the one known is gone (container_state).
_container_ids: dict[str, str] = {}


def container_id(service: str) -> str:
    """The service's container, by id (compose renames a container while it recreates it);
    the newest if there are two. Empty if there is none."""
    if service not in _container_ids:
        labels = [f"label=com.docker.compose.project={PROJECT}", f"label=com.docker.compose.service={service}"]
        listed = docker("ps", "--all", "--quiet", "--filter", labels[0], "--filter", labels[1], check=True)
        found = next(iter(listed.stdout.split()), "")
        if not found:
            return ""
        _container_ids[service] = found
    return _container_ids[service]


def inspect(target: str) -> dict:
    """docker inspect of a service's container (or of an image, by name)."""
    return json.loads(docker("inspect", container_id(target) if target in services() else target, check=True).stdout)[0]


def container_state(service: str) -> str:
    """When the container started, and its health: a restart or a crash changes it."""
    for _ in range(2):  # once more with the id looked up again, if the container known is gone
        found = container_id(service)
        if not found:
            return f"no container for {service}"
        inspected = docker(
            "inspect", "--format", "{{.State.StartedAt}} {{.State.Status}} {{.State.Health.Status}}", found
        )
        if inspected.returncode == 0:
            return inspected.stdout.strip()
        _container_ids.pop(service, None)
    return inspected.stderr.strip()


def health_log(service: str) -> str:
    """The last verdicts of the service's healthcheck, as docker keeps them (five at most):
    when each ran, its exit code and what it printed. What a failure names when a service
    turned unhealthy."""
    inspected = docker("inspect", "--format", "{{json .State.Health.Log}}", container_id(service))
    if inspected.returncode != 0:
        return inspected.stderr.strip()
    checks = json.loads(inspected.stdout or "null") or []
    return "\n".join(
        f"  {check['Start'][11:23]}-{check['End'][11:23]} exit {check['ExitCode']}: {check['Output'].strip()[:200]}"
        for check in checks
    )


LOG_TAILS = (200, 10000)  # lines: most attacks log few; a load's access log, thousands


def logs_since(service: str, since: str) -> str:
    """What the service's container logged (stdout and stderr) since an RFC 3339 time; the
    last 10000 lines at most. dockerd decodes every line of the tail it is asked for before
    it filters them by time (--since alone reads the whole log): the last 200 are read
    first (a fifth of the CPU), the longer tail only when all 200 are since that time."""
    found = container_id(service)
    for tail in LOG_TAILS:
        logged = docker("logs", "--since", since, "--tail", str(tail), found)
        if logged.stdout.count("\n") + logged.stderr.count("\n") < tail:
            break
    return logged.stdout + logged.stderr


def run_in(service: str, command: str) -> subprocess.CompletedProcess:
    """A shell command inside the service's container, as its own user."""
    return docker("exec", container_id(service), "sh", "-c", command)


def backends(service: str) -> list[str]:
    """The servers a service passes requests to: those it waits for in compose (nginx: flask_backend)."""
    return [dependency for dependency in services()[service].get("depends_on", {}) if dependency in servers()]


def usage(service: str) -> cgroup.Usage:
    """The CPU the service's container has spent, and the memory its processes hold, read from
    its cgroup as make bench reads it (measure/cgroup.py)."""
    read = docker("exec", container_id(service), "sh", "-c", cgroup.READ, timeout=10, check=True)
    return cgroup.parse(read.stdout)


def anonymous_memory(service: str) -> int:
    """What the service's processes have allocated (heaps, stacks), in bytes."""
    return usage(service).anon_bytes


def cores_busy(service: str, seconds: float) -> float:
    """How many cores the service's container kept busy over the next `seconds`."""
    before, started = usage(service).cpu_seconds, time.monotonic()
    time.sleep(seconds)  # the window the CPU is counted over
    return (usage(service).cpu_seconds - before) / (time.monotonic() - started)


def healthy_again(service: str, patience: float) -> str:
    """Read the service's health (its own healthcheck's verdict) until it is healthy or
    `patience` seconds have passed; the last state. compose up --wait gives up at once on an
    unhealthy container, where this waits for it to recover."""
    deadline = time.monotonic() + patience
    while not (state := container_state(service)).endswith("running healthy") and time.monotonic() < deadline:
        time.sleep(1)  # between two reads of the healthcheck's verdict, which comes every 5 s
    return state


def restarted_and_healthy(service: str, started_at: str, patience: float) -> str:
    """Read the service's state until its container has started again since `started_at` (by
    its restart policy) and is healthy, or `patience` seconds have passed; the last state."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        state = container_state(service)
        if not state.startswith(started_at) and state.endswith("running healthy"):
            break
        time.sleep(1)  # between two reads of the container's state
    return state


STARTING_PATIENCE = 90  # seconds: the healthcheck's start period (60 s) and a check more


def wait_healthy(service: str) -> None:
    """Start the service if it is not running, and wait until its healthcheck passes. Its own
    container, by the docker CLI: tests on different services do this side by side, where
    compose calls on one project race. Compose makes the container only if there is none."""
    if not container_id(service):
        compose("up", "--detach", "--wait", "--no-deps", service, timeout=180)
        return
    if container_state(service).endswith("running healthy"):
        return
    docker("start", container_id(service), check=True)
    state = healthy_again(service, STARTING_PATIENCE)
    if not state.endswith("running healthy"):
        raise RuntimeError(f"{service} is not healthy {STARTING_PATIENCE} s after it was started: {state}")


def stop(service: str, grace: int = 10) -> None:
    """docker stop: SIGTERM, then SIGKILL after `grace` seconds."""
    docker("stop", "--time", str(grace), container_id(service), timeout=grace + 30, check=True)


def restart(service: str) -> None:
    docker("restart", container_id(service), timeout=60, check=True)
