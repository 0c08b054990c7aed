"""The running stack as Docker sees it: containers, their settings, their logs.

The services come from compose itself (`docker compose config`), never a list
kept here: a server is a service that runs as the servers' user.
"""

import functools
import json
import subprocess

from lab import ROOT

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


def container(service: str) -> str:
    return f"{PROJECT}-{service}-1"


def inspect(target: str) -> dict:
    """docker inspect of a service's container (or of an image, by name)."""
    name = container(target) if target in services() else target
    done = subprocess.run(["docker", "inspect", name], capture_output=True, text=True, timeout=30, check=True)
    return json.loads(done.stdout)[0]


def container_state(service: str) -> str:
    """When the container started, and its health: a restart or a crash changes it."""
    container_id = compose("ps", "-q", service).stdout.strip()  # by id: compose renames while recreating
    inspected = subprocess.run(
        [
            "docker",
            "inspect",
            "--format",
            "{{.State.StartedAt}} {{.State.Status}} {{.State.Health.Status}}",
            container_id,
        ],
        capture_output=True,
        text=True,
        timeout=10,
    )
    return inspected.stdout.strip() or inspected.stderr.strip()


def run_in(service: str, command: str) -> subprocess.CompletedProcess:
    """A shell command inside the service's container, as its own user."""
    return compose("exec", "-T", service, "sh", "-c", command, check=False, timeout=30)


def wait_healthy(service: str) -> None:
    """Start the service if it is not running, and wait until its healthcheck passes."""
    compose("up", "--detach", "--wait", "--no-deps", "--no-recreate", service, timeout=180)
