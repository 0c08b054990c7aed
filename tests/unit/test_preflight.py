"""tools/preflight.py, run as make up runs it: one line saying what is wrong and what to do.

These need no running stack and never touch one: certificates are made in a
temporary folder by certs/generate.sh, ports are ephemeral ones the test
binds itself, and Docker is asked nothing (--skip-docker) except in the tests
of the Docker check, which put a fake or no `docker` on PATH.
"""

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from made_certs import make_certificates

ROOT = Path(__file__).resolve().parents[2]
PREFLIGHT = ROOT / "tools" / "preflight.py"


def run_preflight(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(PREFLIGHT), *arguments], capture_output=True, text=True, timeout=120, env=env
    )


def assert_stops_make_up(result: subprocess.CompletedProcess, *named: str) -> None:
    """Exit code 1 and exactly one line on stderr, `make up: ...`, naming the problem."""
    lines = result.stderr.splitlines()
    assert result.returncode == 1, f"expected exit code 1, got {result.returncode}; stderr: {result.stderr!r}"
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}: {result.stderr!r}"
    assert lines[0].startswith("make up: "), f"expected 'make up: ...', got {lines[0]!r}"
    for words in named:
        assert words in lines[0], f"expected {words!r} in {lines[0]!r}"


@pytest.fixture(scope="module")
def lab_certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_certificates(tmp_path_factory.mktemp("made") / "certs")


@pytest.fixture(scope="module")
def other_certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second CA and server certificate: not the lab's."""
    return make_certificates(tmp_path_factory.mktemp("other") / "certs")


@pytest.fixture
def certs(lab_certificates: Path, tmp_path: Path) -> Path:
    """A fresh copy of good certificates for one test to break."""
    return Path(shutil.copytree(lab_certificates, tmp_path / "certs"))


@pytest.fixture
def free_tcp_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def check_certs(certs: Path, port: int) -> subprocess.CompletedProcess:
    return run_preflight("--skip-docker", "--certs", str(certs), "--bind", "127.0.0.1", "--ports", f"{port}/tcp")


def resign_server_certificate(certs: Path, not_before: datetime, not_after: datetime) -> None:
    """Replace server.crt with one for the same key, signed by the same CA, valid only between those dates."""
    ca_certificate = x509.load_pem_x509_certificate((certs / "ca.crt").read_bytes())
    ca_key = serialization.load_pem_private_key((certs / "ca.key").read_bytes(), password=None)
    server_key = serialization.load_pem_private_key((certs / "server.key").read_bytes(), password=None)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name.from_rfc4514_string("CN=h2lab server"))
        .issuer_name(ca_certificate.subject)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(ca_key, hashes.SHA256())
    )
    (certs / "server.crt").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


# --- what passes ------------------------------------------------------------------


def test_good_certificates_and_a_free_port_pass_silently(certs: Path, free_tcp_port: int) -> None:
    result = check_certs(certs, free_tcp_port)
    assert (result.returncode, result.stderr) == (0, ""), f"expected a silent pass, got {result}"


def test_the_ports_are_what_compose_publishes_where_it_publishes_them() -> None:
    spec = importlib.util.spec_from_file_location("preflight", PREFLIGHT)
    preflight = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(preflight)
    config = {  # the shape of `docker compose config --format json`
        "services": {
            "nginx": {
                "ports": [
                    {"published": "8443", "target": 8443, "protocol": "tcp", "host_ip": "127.0.0.1"},
                    {"published": "8443", "target": 8443, "protocol": "udp", "host_ip": "127.0.0.1"},
                    {"published": "8443", "target": 8443, "protocol": "udp", "host_ip": "::1"},
                ]
            },
            "flask_backend": {},
            "twisted_backend": {
                "ports": [
                    {"published": "8446", "target": 8446, "protocol": "tcp"},
                    {"published": "8443", "target": 8443, "protocol": "tcp", "host_ip": "127.0.0.1"},
                ]
            },
        }
    }
    ports = [str(port) for port in preflight.published_ports(config)]
    expected = ["127.0.0.1:8443/tcp", "127.0.0.1:8443/udp", "[::1]:8443/udp", "0.0.0.0:8446/tcp"]
    assert ports == expected, f"expected each published address and port once, in order, got {ports}"


# --- a. Docker ----------------------------------------------------------------------


def test_no_docker_engine(tmp_path: Path) -> None:
    fake_docker = tmp_path / "docker"
    fake_docker.write_text("#!/bin/sh\necho 'Cannot connect to the Docker daemon' >&2\nexit 1\n")
    fake_docker.chmod(0o755)
    env = os.environ | {"PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    assert_stops_make_up(run_preflight(env=env), "no Docker engine answers", "start Docker")


def test_no_docker_installed(tmp_path: Path) -> None:
    assert_stops_make_up(
        run_preflight(env=os.environ | {"PATH": str(tmp_path)}), "docker is not installed", "install Docker"
    )


# --- b. Certificates --------------------------------------------------------------


@pytest.mark.parametrize("name", ["ca.crt", "server.crt", "server.key"])
def test_a_missing_file(certs: Path, free_tcp_port: int, name: str) -> None:
    (certs / name).unlink()
    assert_stops_make_up(check_certs(certs, free_tcp_port), f"{name} is missing")


def test_an_unreadable_server_certificate(certs: Path, free_tcp_port: int) -> None:
    (certs / "server.crt").write_text("not a certificate\n")
    assert_stops_make_up(check_certs(certs, free_tcp_port), "server.crt is not a certificate", "make certs")


def test_an_unreadable_ca(certs: Path, free_tcp_port: int) -> None:
    (certs / "ca.crt").write_text("-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n")
    assert_stops_make_up(check_certs(certs, free_tcp_port), "ca.crt is not a certificate", "make clean")


def test_an_expired_server_certificate(certs: Path, free_tcp_port: int) -> None:
    now = datetime.now(timezone.utc)
    resign_server_certificate(certs, now - timedelta(days=90), now - timedelta(days=3))
    assert_stops_make_up(check_certs(certs, free_tcp_port), "server.crt expired on", "run make certs (make up runs it)")


def test_a_server_certificate_that_make_certs_would_renew(certs: Path, free_tcp_port: int) -> None:
    now = datetime.now(timezone.utc)
    resign_server_certificate(certs, now - timedelta(days=80), now + timedelta(days=10))
    assert_stops_make_up(
        check_certs(certs, free_tcp_port), "server.crt expires on", "within 30 days", "run make certs (make up runs it)"
    )


def test_a_server_certificate_that_make_certs_would_keep_passes(certs: Path, free_tcp_port: int) -> None:
    now = datetime.now(timezone.utc)
    resign_server_certificate(certs, now - timedelta(days=30), now + timedelta(days=60))
    result = check_certs(certs, free_tcp_port)
    assert (result.returncode, result.stderr) == (0, ""), f"expected a silent pass 60 days before expiry, got {result}"


def test_a_server_certificate_not_valid_yet(certs: Path, free_tcp_port: int) -> None:
    now = datetime.now(timezone.utc)
    resign_server_certificate(certs, now + timedelta(days=3), now + timedelta(days=400))
    assert_stops_make_up(check_certs(certs, free_tcp_port), "server.crt is not valid yet")


def test_a_server_certificate_the_ca_did_not_sign(certs: Path, other_certificates: Path, free_tcp_port: int) -> None:
    for name in ("server.crt", "server.key"):
        shutil.copy2(other_certificates / name, certs / name)
    assert_stops_make_up(
        check_certs(certs, free_tcp_port), "server.crt does not verify against", "ca.crt", "make certs"
    )


def test_a_key_that_does_not_match(certs: Path, other_certificates: Path, free_tcp_port: int) -> None:
    shutil.copy2(other_certificates / "server.key", certs / "server.key")
    assert_stops_make_up(check_certs(certs, free_tcp_port), "server.key does not match", "make certs")


# --- c. Ports ----------------------------------------------------------------------------


def test_a_tcp_port_in_use(certs: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = check_certs(certs, port)
    assert_stops_make_up(result, f"127.0.0.1:{port}/tcp is already in use", "free the port")


def test_a_udp_port_in_use(certs: Path) -> None:
    with socket.socket(type=socket.SOCK_DGRAM) as holder:
        holder.bind(("127.0.0.1", 0))
        port = holder.getsockname()[1]
        result = run_preflight("--skip-docker", "--certs", str(certs), "--bind", "127.0.0.1", "--ports", f"{port}/udp")
    assert_stops_make_up(result, f"127.0.0.1:{port}/udp is already in use", "free the port")


def test_a_udp_port_in_use_on_the_ipv6_loopback(certs: Path) -> None:
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as holder:
        holder.bind(("::1", 0))
        port = holder.getsockname()[1]
        result = run_preflight("--skip-docker", "--certs", str(certs), "--bind", "::1", "--ports", f"{port}/udp")
    assert_stops_make_up(result, f"[::1]:{port}/udp is already in use", "free the port")


def test_a_bind_address_not_of_this_host(certs: Path, free_tcp_port: int) -> None:
    result = run_preflight(
        "--skip-docker", "--certs", str(certs), "--bind", "192.0.2.1", "--ports", f"{free_tcp_port}/tcp"
    )
    assert_stops_make_up(result, "cannot bind 192.0.2.1", "LAB_BIND")
