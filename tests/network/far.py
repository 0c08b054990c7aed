"""The far network as the tests drive it: the profile in force (the emulator's read-only
status port, verified against the lab's CA), and changes through `make network`'s own
command, put back afterwards."""

import json
import shlex
import socket
import ssl
import urllib.request
from contextlib import contextmanager

from endpoints import NETWORK_STATUS_PORT
from lab import CA_FILE
from network.profiles import PROFILES
from stack import run_in


def status() -> dict:
    """The profile in force and the emulator's counters."""
    context = ssl.create_default_context(cafile=str(CA_FILE))
    with urllib.request.urlopen(
        f"https://localhost:{NETWORK_STATUS_PORT}/profile", context=context, timeout=5
    ) as reply:
        return json.load(reply)


def set_network(*arguments: str) -> None:
    done = run_in("network", shlex.join(["python3", "-m", "network", "set", *arguments]))
    assert done.returncode == 0, f"make network set {' '.join(arguments)}: expected success, saw {done.stderr.strip()}"


def _arguments_for(profile: dict) -> list[str]:
    """What sets the network back: its name, or its numbers when it was a custom one."""
    if profile["name"] in PROFILES:
        return [profile["name"]]
    numbers = {
        "--rtt": "rtt_ms",
        "--down": "down_mbit",
        "--up": "up_mbit",
        "--loss": "loss_percent",
        "--queue": "queue_packets",
    }
    return [part for option, field in numbers.items() for part in (option, str(profile[field]))]


@contextmanager
def network(*arguments: str):
    """The far network set as `make network` would, for the with-block (which gets the
    profile now in force, as the status port says it); then as it was."""
    before = status()
    set_network(*arguments)
    try:
        yield status()
    finally:
        set_network(*_arguments_for(before))


def quic_version_probe(port: int) -> bytes:
    """A QUIC Initial of a version no server speaks (RFC 9000 6): the server answers at once
    with Version Negotiation, a real UDP round trip through the far network."""
    header = bytes([0xC0]) + bytes.fromhex("1a2a3a4a") + bytes([8]) + b"h2lab-dc" + bytes([8]) + b"h2lab-sc"
    return header + bytes(1200 - len(header))


def udp_socket() -> socket.socket:
    return socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
