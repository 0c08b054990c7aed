"""The lab CA's name constraints: what its key may sign for, and nothing public.

    python3 certs/name_constraints.py server.cnf            the nameConstraints value for openssl
    python3 certs/name_constraints.py server.cnf ca.crt     exit 0 if ca.crt permits every name of
                                                            server.cnf, 3 (and why) if it must be replaced

Trusting the lab's CA must never let its key sign a certificate for a public site.
So the CA is made with critical name constraints (RFC 5280 4.2.1.10), which OpenSSL,
NSS (Firefox, Chromium on Linux), Chromium's own verifier and macOS enforce:
  1. the names of server.cnf that are single labels (the compose services' host names),
     each covering itself and the names under it;
  2. the names reserved for private use, with everything under them: localhost (RFC 6761),
     local (mDNS, RFC 6762), home.arpa (RFC 8375), internal (ICANN, 2024), test (RFC 2606);
  3. loopback, private and link-local addresses, IPv4 and IPv6.
A name in server.cnf outside these (a public name or address) is refused: the lab's CA
signs for none. Standard library only: make certs runs on the host.
"""

import ipaddress
import re
import subprocess
import sys
from pathlib import Path

PRIVATE_SUFFIXES = ("localhost", "local", "home.arpa", "internal", "test")
PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "169.254.0.0/16",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
    )
)
WHERE = "certs/server.cnf"


class PublicName(Exception):
    """A name the lab's CA must not sign for."""


def server_names(config: str) -> tuple[list[str], list[str]]:
    """The DNS names and IP addresses server.cnf gives the server certificate."""
    dns = re.findall(r"^\s*DNS\.\d+\s*=\s*(\S+)", config, re.MULTILINE)
    ips = re.findall(r"^\s*IP\.\d+\s*=\s*(\S+)", config, re.MULTILINE)
    return dns, ips


def under(name: str, suffix: str) -> bool:
    return name == suffix or name.endswith("." + suffix)


def permitted_dns(names: list[str]) -> list[str]:
    """The DNS subtrees: the private suffixes, and every single-label name given."""
    permitted = list(PRIVATE_SUFFIXES)
    for name in names:
        name = name.lower().rstrip(".")
        if not re.fullmatch(r"[a-z0-9.*-]+", name):
            raise PublicName(
                f"{WHERE} names {name}, which is not a host name (letters, digits, '-' and '.' only): "
                f"verifiers that check the CA's name constraints refuse it; use {re.sub(r'[^a-z0-9.-]', '-', name)}"
            )
        if any(under(name, suffix) for suffix in PRIVATE_SUFFIXES):
            continue
        if "." in name or "*" in name:
            raise PublicName(
                f"{WHERE} names {name}, which may be a public name: the lab's CA signs only for single-label "
                f"names and names under .{', .'.join(PRIVATE_SUFFIXES)}: use one of those (e.g. {name.split('.')[0]}.local)"
            )
        if name not in permitted:
            permitted.append(name)
    return permitted


def check_addresses(addresses: list[str]) -> None:
    for address in addresses:
        if not any(ipaddress.ip_address(address) in network for network in PRIVATE_NETWORKS):
            raise PublicName(
                f"{WHERE} names {address}, a public address: the lab's CA signs only for loopback, private "
                f"and link-local addresses: use the room's private address"
            )


def openssl_value(config: str) -> str:
    """The nameConstraints extension, as openssl -addext takes it."""
    dns, addresses = server_names(config)
    check_addresses(addresses)
    subtrees = [f"permitted;DNS:{name}" for name in permitted_dns(dns)]
    subtrees += [f"permitted;IP:{network.network_address}/{network.netmask}" for network in PRIVATE_NETWORKS]
    return "critical," + ",".join(subtrees)


def ca_permits(config: str, ca_text: str) -> str:
    """Why the CA (as `openssl x509 -ext nameConstraints` prints it) must be replaced; "" if it need not."""
    if "Permitted" not in ca_text:
        return "could sign for any name (made before the lab's CA was name-constrained)"
    dns, _ = server_names(config)
    permitted = {line.strip()[4:].lower() for line in ca_text.splitlines() if line.strip().startswith("DNS:")}
    missing = [name for name in permitted_dns(dns) if name not in permitted]
    if missing:
        return f"does not permit {', '.join(missing)}, which {WHERE} now names"
    return ""


def main(arguments: list[str]) -> int:
    config = Path(arguments[0]).read_text()
    try:
        if len(arguments) == 1:
            print(openssl_value(config))
            return 0
        shown = subprocess.run(
            ["openssl", "x509", "-noout", "-ext", "nameConstraints", "-in", arguments[1]],
            capture_output=True,
            text=True,
            check=True,
        )
        why = ca_permits(config, shown.stdout)
    except PublicName as refused:
        print(f"make certs: {refused}", file=sys.stderr)
        return 1
    if why:
        print(why)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
