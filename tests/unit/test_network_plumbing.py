"""The far network's nftables rules, as text: every far route is steered and forwarded."""

from endpoints import far_routes
from network.plumbing import ruleset

ADDRESSES = {
    "nginx": "172.30.250.11",
    "quart_backend": "172.30.250.12",
    "gunicorn_h2": "172.30.250.13",
    "twisted_backend": "172.30.250.14",
    "granian_flask": "172.30.250.15",
    "granian_quart": "172.30.250.16",
    "uvicorn_quart": "172.30.250.17",
}


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
