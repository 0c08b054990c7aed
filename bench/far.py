"""The lab's far network, as the bench drives it: every page load and browser run
crosses the network emulator (network/), whose profile the bench sets per case
through the control socket it shares with it, and puts back afterwards."""

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager

from clients.events import Origin
from endpoints import Endpoint
from network.control import ask
from network.profiles import Profile

EMULATOR = "network"  # the compose service that holds the far ports
SERVER_NAME = "localhost"  # a name the certificate has; :authority then names the far port


def origin(endpoint: Endpoint) -> Origin:
    """The endpoint's far port, dialled through the emulator."""
    return Origin(SERVER_NAME, endpoint.far_port, EMULATOR)


def _asked(request: dict) -> dict:
    reply = ask(request)
    if "error" in reply:
        raise RuntimeError(f"the network emulator refused {request}: {reply['error']}")
    return reply["status"]


def in_force() -> Profile:
    fields = {field.name for field in dataclasses.fields(Profile)}
    return Profile(**{name: value for name, value in _asked({"show": True}).items() if name in fields})


def use(profile: Profile) -> None:
    _asked({"set": profile.as_dict()})


def counters() -> dict:
    """Packets and bytes each way, and what was dropped, since the emulator started."""
    return _asked({"show": True})["counters"]


@contextmanager
def restored() -> Iterator[Profile]:
    """Whatever the bench sets inside, the far network is as it was afterwards."""
    before = in_force()
    try:
        yield before
    finally:
        use(before)
