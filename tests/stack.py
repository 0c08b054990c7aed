"""The running stack as Docker sees it: containers, their settings, their logs."""

import json
import subprocess

from lab import ROOT

PROJECT = "h2lab"
SERVERS = ["nginx", "flask_backend", "quart_backend", "gunicorn_h2", "twisted_backend"]
SERVER_USER = "10001:10001"


def compose(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", "compose", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=check)


def container(service: str) -> str:
    return f"{PROJECT}-{service}-1"


def inspect(target: str) -> dict:
    """docker inspect of a service's container (or of an image, by name)."""
    name = container(target) if target in SERVERS else target
    done = subprocess.run(["docker", "inspect", name], capture_output=True, text=True, timeout=30, check=True)
    return json.loads(done.stdout)[0]


def run_in(service: str, command: str) -> subprocess.CompletedProcess:
    """A shell command inside the service's container, as its own user."""
    return compose("exec", "-T", service, "sh", "-c", command, check=False, timeout=30)


def wait_healthy(service: str) -> None:
    """Start the service if it is not running, and wait until its healthcheck passes."""
    compose("up", "--detach", "--wait", "--no-deps", service, timeout=180)
