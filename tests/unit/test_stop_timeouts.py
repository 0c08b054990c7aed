"""Every Python server's drain on stop (its graceful timeout) ends before Docker kills it:
`docker stop`, `make down` and compose's restarts wait 10 s (compose's default
stop_grace_period) and then send SIGKILL, which cuts off whatever was still draining."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKER_STOP_SECONDS = 10  # compose's default stop_grace_period
COMPOSE = (ROOT / "compose.yaml").read_text()
DRAINS = {
    "flask_backend/gunicorn.conf.py": r"^graceful_timeout = (\d+)",
    "flask_backend/gunicorn_h2.conf.py": r"^graceful_timeout = (\d+)",
    "quart_backend/hypercorn.toml": r"^graceful_timeout = (\d+)",
    "compose.yaml": r"--timeout-graceful-shutdown=(\d+)",  # Uvicorn's
    "h2_by_hand/server.py": r"^DRAIN_SECONDS = (\d+)",
}
# Daphne's and Sanic's, in compose.yaml beside Uvicorn's (a dict has one key per file)
MORE_IN_COMPOSE = {"Daphne": r"--application-close-timeout=(\d+)", "Sanic": r'SANIC_GRACEFUL_SHUTDOWN_TIMEOUT: "(\d+)"'}


def test_docker_waits_its_default():
    assert "stop_grace_period" not in COMPOSE, (
        "compose.yaml sets a stop_grace_period: check each server's drain against it here"
    )


@pytest.mark.parametrize(
    "place, setting", [*DRAINS.items(), *(("compose.yaml", setting) for setting in MORE_IN_COMPOSE.values())]
)
def test_a_drain_ends_before_docker_kills(place, setting):
    found = re.search(setting, (ROOT / place).read_text(), re.MULTILINE)
    assert found, f"{place}: expected a graceful timeout ({setting})"
    assert int(found[1]) < DOCKER_STOP_SECONDS, (
        f"{place}: expected a graceful timeout under Docker's {DOCKER_STOP_SECONDS} s stop, saw {found[1]} s"
    )
