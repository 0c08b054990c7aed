"""The root step before the loop: two TUNs, two policy routes, one nftables table.

    python3 -m network.plumbing     (root with NET_ADMIN, in the network container's own netns)

A packet to a far port crosses the kernel twice and the loop once, each way:

  client → eth0: DNAT to the server, mark 1 → far-client ⇢ loop (uplink) ⇢ far-server:
      conntrack zone 1, a connection of its own → masquerade → eth0 → server
  server → eth0: zone 1 un-masquerades it, mark 2 → far-server ⇢ loop (downlink) ⇢ far-client:
      zone 0, where the first connection un-DNATs it → eth0 → client

So the client's TCP or QUIC runs end to end with the server: no connection ends here.
"""

import os
import socket
import subprocess
import sys

from endpoints import far_routes
from network.tun import CLIENT_SIDE, SERVER_SIDE

LOOP_USER = 10001  # the loop runs as this user and owns both TUNs
OUTSIDE = "eth0"  # the container's one interface on the compose network

Route = tuple[int, str, str, int]  # (far port, "tcp" or "udp", service, port)


def ip_commands() -> str:
    return f"""\
tuntap add dev {CLIENT_SIDE} mode tun user {LOOP_USER} group {LOOP_USER}
tuntap add dev {SERVER_SIDE} mode tun user {LOOP_USER} group {LOOP_USER}
link set {CLIENT_SIDE} up
link set {SERVER_SIDE} up
rule add fwmark 1 table 101
route add default dev {CLIENT_SIDE} table 101
rule add fwmark 2 table 102
route add default dev {SERVER_SIDE} table 102
"""


def ruleset(routes: list[Route], addresses: dict[str, str]) -> str:
    servers = ", ".join(sorted(set(addresses.values())))
    steer = "\n".join(
        f'        iifname "{OUTSIDE}" {protocol} dport {far} meta mark set 1' for far, protocol, _, _ in routes
    )
    dnat = "\n".join(
        f'        iifname "{OUTSIDE}" {protocol} dport {far} dnat to {addresses[service]}:{port}'
        for far, protocol, service, port in routes
    )
    return f"""\
table ip far_network {{
    set servers {{ type ipv4_addr; elements = {{ {servers} }}; }}

    # The second pass is a connection of its own (zone 1): the loop's packets coming back in
    # on {SERVER_SIDE}, and the servers' replies to them.
    chain zones {{
        type filter hook prerouting priority raw; policy accept;
        iifname "{SERVER_SIDE}" ct zone set 1
        iifname "{OUTSIDE}" ip saddr @servers ct zone set 1
    }}

    # Every packet (not only a connection's first): mark 1 routes to {CLIENT_SIDE}, mark 2 to {SERVER_SIDE}.
    chain steer {{
        type filter hook prerouting priority mangle; policy accept;
{steer}
        iifname "{OUTSIDE}" ip saddr @servers meta mark set 2
    }}

    chain far_ports {{
        type nat hook prerouting priority dstnat; policy accept;
{dnat}
    }}

    # So the server answers us, not the client: its reply must come back through the loop.
    chain leave {{
        type nat hook postrouting priority srcnat; policy accept;
        iifname "{SERVER_SIDE}" oifname "{OUTSIDE}" masquerade
    }}
}}
"""


def resolve(services: set[str]) -> dict[str, str]:
    """The services' IPv4 addresses, once: compose gives them fixed ones, so they stay true."""
    addresses = {}
    for service in sorted(services):
        try:
            addresses[service] = socket.gethostbyname(service)
        except OSError as error:
            sys.exit(f"network: cannot resolve {service} ({error}): is it on the compose network and started?")
    return addresses


def main() -> None:
    routes = far_routes()
    addresses = resolve({service for _, _, service, _ in routes})
    subprocess.run(["ip", "-batch", "-"], input=ip_commands(), text=True, check=True)
    subprocess.run(["nft", "-f", "-"], input=ruleset(routes, addresses), text=True, check=True)
    # --device copies the host's mode, 0600 on some hosts. Opening it grants nothing by itself:
    # without NET_ADMIN the loop can only attach to the TUNs its user owns.
    os.chmod("/dev/net/tun", 0o666)
    for far, protocol, service, port in routes:
        print(f"network: {far}/{protocol} → {service} ({addresses[service]}):{port}", flush=True)


if __name__ == "__main__":
    main()
