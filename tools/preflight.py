"""Check what `make up` needs before docker compose tries anything.

    python3 tools/preflight.py [--certs DIR] [--bind ADDRESS --ports 8443/tcp,8443/udp]
                               [--skip-docker]

In order: a Docker engine answers; the certificates are there, readable, in
date and not about to expire, signed by the lab's CA, and the key matches; no
other program holds a port the lab publishes. The first problem found is
printed as one line, `make up: <what is wrong>: <what to do>`, and the exit
code is 1. Whatever is wrong with the server certificate, make certs (which
make up runs first) makes it again: only a bad CA needs a hand.
Standard library only: the host may have just python3 and openssl.
"""

import argparse
import errno
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "h2lab"
# make certs renews the server certificate this close to expiry (certs/generate.sh's RENEW_DAYS).
EXPIRY_MARGIN = timedelta(days=30)
MAKE_CERTS = "run make certs (make up runs it)"
RENEW_ALL_CERTS = "delete certs/*.crt certs/*.key certs/*.srl (make clean does) and run make up"


class NotReady(Exception):
    """What stops make up, and what to do about it."""

    def __init__(self, problem: str, remedy: str) -> None:
        super().__init__(f"{problem}: {remedy}")


@dataclass(frozen=True)
class Port:
    number: int
    protocol: str  # "tcp" or "udp"

    def __str__(self) -> str:
        return f"{self.number}/{self.protocol}"


@dataclass(frozen=True)
class Binding:
    """A port published on one host address."""

    address: str
    port: Port

    @property
    def ipv6(self) -> bool:
        return ":" in self.address

    def __str__(self) -> str:
        return f"[{self.address}]:{self.port}" if self.ipv6 else f"{self.address}:{self.port}"


def run(command: list[str], **options) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=30, cwd=ROOT, **options)


def succeeds(command: list[str]) -> bool:
    try:
        return run(command).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "no output")


# --- a. Docker ----------------------------------------------------------------


def check_docker_engine() -> None:
    if shutil.which("docker") is None:
        raise NotReady(
            "docker is not installed (no 'docker' on PATH)",
            "install Docker (https://docs.docker.com/get-docker/) and run make up again",
        )
    if not succeeds(["docker", "info"]):
        raise NotReady(
            "no Docker engine answers ('docker info' failed)",
            "start Docker (Docker Desktop, or sudo systemctl start docker) and run make up again",
        )
    if not succeeds(["docker", "compose", "version"]):
        raise NotReady(
            "Docker Compose v2 is missing ('docker compose version' failed)",
            "install the compose plugin (https://docs.docker.com/compose/install/) and run make up again",
        )


def ports_the_lab_publishes_now() -> set[Port]:
    """The ports the lab's own running containers hold (none when it is down)."""
    template = "{{range .Publishers}}{{if .PublishedPort}}{{.PublishedPort}}/{{.Protocol}} {{end}}{{end}}"
    listed = run(["docker", "compose", "--project-name", PROJECT, "ps", "--format", template])
    if listed.returncode != 0:
        raise NotReady(
            f"'docker compose ps' failed ({first_line(listed.stderr)})", "fix what it names and run make up again"
        )
    return {parse_port(entry) for entry in listed.stdout.split()}


# --- b. Certificates ------------------------------------------------------------


def shown(path: Path) -> str:
    """The path as the person at the terminal would type it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def openssl(*arguments: str) -> subprocess.CompletedProcess:
    return run(["openssl", *arguments])


def check_readable(path: Path, remedy: str) -> None:
    if not path.exists():
        raise NotReady(f"{shown(path)} is missing", remedy)
    try:
        path.open("rb").close()
    except OSError as error:
        raise NotReady(
            f"{shown(path)} cannot be read ({error.strerror})",
            "give your user read access to it (or run make up as its owner)",
        ) from None


def check_is_certificate(path: Path, remedy: str) -> None:
    if openssl("x509", "-noout", "-in", str(path)).returncode != 0:
        raise NotReady(f"{shown(path)} is not a certificate openssl can read", remedy)


def openssl_date(field: str, certificate: Path) -> datetime:
    """notBefore or notAfter, as `openssl x509 -startdate/-enddate` prints it."""
    option = {"notBefore": "-startdate", "notAfter": "-enddate"}[field]
    printed = openssl("x509", "-noout", option, "-in", str(certificate)).stdout.strip()
    stamp = printed.removeprefix(f"{field}=")  # Nov 23 21:20:53 2026 GMT
    return datetime.strptime(stamp, "%b %d %H:%M:%S %Y GMT").replace(tzinfo=timezone.utc)


def check_started(path: Path, remedy: str) -> None:
    valid_from = openssl_date("notBefore", path)
    if valid_from > datetime.now(timezone.utc):
        raise NotReady(
            f"{shown(path)} is not valid yet (from {valid_from:%Y-%m-%d %H:%M} UTC; is this machine's clock right?)",
            remedy,
        )


def check_not_expiring(path: Path, remedy: str) -> None:
    valid_until = openssl_date("notAfter", path)
    now = datetime.now(timezone.utc)
    if valid_until <= now:
        raise NotReady(f"{shown(path)} expired on {valid_until:%Y-%m-%d %H:%M} UTC", remedy)
    if valid_until - now < EXPIRY_MARGIN:
        raise NotReady(
            f"{shown(path)} expires on {valid_until:%Y-%m-%d %H:%M} UTC, within {EXPIRY_MARGIN.days} days", remedy
        )


def check_signed_by(certificate: Path, ca: Path) -> None:
    verified = openssl("verify", "-CAfile", str(ca), str(certificate))
    if verified.returncode != 0:
        reason = re.search(r"error \d+ at \d+ depth lookup: (.+)", verified.stdout + verified.stderr)
        why = reason.group(1).strip() if reason else first_line(verified.stderr)
        raise NotReady(f"{shown(certificate)} does not verify against {shown(ca)} ({why})", MAKE_CERTS)


def check_key_matches(key: Path, certificate: Path) -> None:
    key_public = openssl("pkey", "-pubout", "-in", str(key))
    if key_public.returncode != 0:
        raise NotReady(f"{shown(key)} is not a private key openssl can read", MAKE_CERTS)
    certificate_public = openssl("x509", "-noout", "-pubkey", "-in", str(certificate))
    if key_public.stdout != certificate_public.stdout:
        raise NotReady(f"{shown(key)} does not match {shown(certificate)}", MAKE_CERTS)


def check_certificates(certs: Path) -> None:
    if shutil.which("openssl") is None:
        raise NotReady(
            "openssl is not installed", "install it (apt install openssl, brew install openssl) and run make up again"
        )
    ca, certificate, key = certs / "ca.crt", certs / "server.crt", certs / "server.key"
    check_readable(ca, MAKE_CERTS)
    check_readable(certificate, MAKE_CERTS)
    check_readable(key, MAKE_CERTS)
    check_is_certificate(ca, RENEW_ALL_CERTS)
    check_started(ca, RENEW_ALL_CERTS)
    check_not_expiring(ca, RENEW_ALL_CERTS)
    check_is_certificate(certificate, MAKE_CERTS)
    check_started(certificate, MAKE_CERTS)
    check_not_expiring(certificate, MAKE_CERTS)
    check_signed_by(certificate, ca)
    check_key_matches(key, certificate)


# --- c. Ports -------------------------------------------------------------------


def parse_port(entry: str) -> Port:
    """'8443/udp' -> Port(8443, 'udp'); '8445' -> Port(8445, 'tcp')."""
    number, _, protocol = entry.strip().partition("/")
    if not number.isdigit() or protocol not in ("", "tcp", "udp"):
        raise ValueError(f"not a port like 8443/tcp: {entry!r}")
    return Port(int(number), protocol or "tcp")


def port_list(text: str) -> list[Port]:
    return [parse_port(entry) for entry in text.split(",") if entry.strip()]


def compose_config() -> dict:
    """compose.yaml as compose itself resolves it (LAB_BIND and all)."""
    done = run(["docker", "compose", "--project-name", PROJECT, "config", "--format", "json"])
    if done.returncode != 0:
        raise NotReady(
            f"'docker compose config' failed ({first_line(done.stderr)})", "fix compose.yaml and run make up again"
        )
    return json.loads(done.stdout)


def published_ports(config: dict) -> list[Binding]:
    """The host addresses and ports the services publish, in order, each once."""
    found: list[Binding] = []
    for service in config["services"].values():
        for entry in service.get("ports", []):
            port = Port(int(entry["published"]), entry.get("protocol", "tcp"))
            binding = Binding(entry.get("host_ip") or "0.0.0.0", port)
            if binding not in found:
                found.append(binding)
    return found


def holder_of(port: Port) -> str:
    """' (docker-proxy, pid 22692)' when ss can name who holds the port, else ''."""
    if shutil.which("ss") is None:
        return ""
    try:
        listed = run(["ss", "-Hlnp", f"--{port.protocol}", "sport", "=", f":{port.number}"])
    except subprocess.TimeoutExpired:
        return ""
    holder = re.search(r'users:\(\("([^"]+)",pid=(\d+)', listed.stdout)
    return f" ({holder[1]}, pid {holder[2]})" if holder else ""


def address_remedy(binding: Binding) -> str:
    if binding.address == "::1":
        return (
            "this machine has no IPv6 loopback, where the lab also publishes HTTP/3 (browsers try ::1 first "
            "for localhost): enable IPv6 on lo, or run LAB_BIND6=127.0.0.2 make up (HTTP/3 then needs 127.0.0.1)"
        )
    if binding.ipv6:
        return "set LAB_BIND6 to an IPv6 address of this host (or unset it for ::1) and run make up again"
    return "set LAB_BIND to an address of this host (or unset it for 127.0.0.1) and run make up again"


def check_port_free(binding: Binding) -> None:
    where, port = str(binding), binding.port
    kind = socket.SOCK_STREAM if port.protocol == "tcp" else socket.SOCK_DGRAM
    try:
        family, _, _, _, socket_address = socket.getaddrinfo(binding.address, port.number, type=kind)[0]
    except socket.gaierror:
        raise NotReady(
            f"the bind address {binding.address} is not an address of this host", address_remedy(binding)
        ) from None
    with socket.socket(family, kind) as probe:
        if kind == socket.SOCK_STREAM:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Docker does: TIME_WAIT is no owner
        try:
            probe.bind(socket_address)
            if kind == socket.SOCK_STREAM:
                probe.listen()
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise NotReady(
                    f"{where} is already in use by another program{holder_of(port)}",
                    "stop it, or free the port, and run make up again",
                ) from None
            raise NotReady(f"cannot bind {where} ({error.strerror})", address_remedy(binding)) from None


def check_ports(bindings: list[Binding], held_by_lab: set[Port]) -> None:
    if not bindings:
        raise NotReady(
            "docker compose config publishes no ports",
            'give the services ports: entries in compose.yaml, like - "${LAB_BIND:-127.0.0.1}:8443:8443/udp"',
        )
    for binding in bindings:
        if binding.port not in held_by_lab:
            check_port_free(binding)


# --- main -------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Check what make up needs before docker compose runs.")
    parser.add_argument("--certs", type=Path, default=ROOT / "certs", help="certificates folder (certs/)")
    parser.add_argument(
        "--bind",
        default=os.environ.get("LAB_BIND") or "127.0.0.1",
        help="with --ports: the address they bind to (LAB_BIND, else 127.0.0.1)",
    )
    parser.add_argument(
        "--ports",
        type=port_list,
        help="ports to check, e.g. 8443/tcp,8443/udp (default: what docker compose config publishes, where)",
    )
    parser.add_argument(
        "--skip-docker",
        action="store_true",
        help="ask Docker nothing: neither whether it answers nor which ports the lab holds",
    )
    return parser.parse_args()


def preflight(options: argparse.Namespace) -> None:
    if not options.skip_docker:
        check_docker_engine()
    check_certificates(options.certs.resolve())
    if options.ports is not None:
        bindings = [Binding(options.bind, port) for port in options.ports]
    else:
        bindings = published_ports(compose_config())
    held_by_lab = set() if options.skip_docker else ports_the_lab_publishes_now()
    check_ports(bindings, held_by_lab)


def main() -> int:
    try:
        preflight(arguments())
    except NotReady as problem:
        print(f"make up: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
