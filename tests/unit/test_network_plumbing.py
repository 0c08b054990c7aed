"""The far network's nftables rules, as text: every far route is steered and forwarded."""

import re
from pathlib import Path

from endpoints import far_routes
from network.plumbing import ruleset

COMPOSE = (Path(__file__).resolve().parents[2] / "compose.yaml").read_text()
# Each service's fixed address on the compose network, as compose.yaml gives it.
ADDRESSES = {
    service: re.search(r"ipv4_address: ([\d.]+)", block)[1]
    for service, block in re.findall(r"^  (\w+):\n(.*?)(?=^  \w|\Z)", COMPOSE, re.MULTILINE | re.DOTALL)
    if "ipv4_address" in block
}


def test_every_server_with_a_far_port_has_a_fixed_address() -> None:
    missing = {service for _, _, service, _ in far_routes()} - set(ADDRESSES)
    assert not missing, (
        f"compose.yaml: expected a fixed ipv4_address for {sorted(missing)} (the emulator resolves it once)"
    )


def test_every_far_route_is_marked_for_the_loop_and_forwarded_to_its_server() -> None:
    rules = ruleset(far_routes(), ADDRESSES)
    for far, protocol, service, port in far_routes():
        assert f'iifname "eth0" {protocol} dport {far} meta mark set 1' in rules
        assert f'iifname "eth0" {protocol} dport {far} dnat to {ADDRESSES[service]}:{port}' in rules


def test_the_servers_replies_are_marked_and_have_their_own_zone() -> None:
    rules = ruleset(far_routes(), ADDRESSES)
    addresses = ", ".join(sorted(ADDRESSES.values()))
    assert f"elements = {{ {addresses} }}" in rules
    assert 'iifname "eth0" ip saddr @servers ct zone set 1' in rules
    assert 'iifname "eth0" ip saddr @servers meta mark set 2' in rules
