"""make certs, as make up runs it: a 90-day server certificate, renewed by itself when due.

Each test runs the lab's Makefile and certs/generate.sh on a copy in a temporary
folder: the lab's own certs/ is never touched.
"""

import importlib.util
import ipaddress
import os
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from made_certs import SOURCES

ROOT = Path(__file__).resolve().parents[2]
SERVER_DAYS = 90
RENEW_DAYS = 30


def run_make_certs(lab: Path) -> subprocess.CompletedProcess:
    """make certs in lab/ as a user types it: without the flags of a make this suite runs
    under (make test runs it in make --jobs=3, whose jobserver a child make cannot join)."""
    parents = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(lab), "-f", str(ROOT / "Makefile"), "certs"],
        capture_output=True,
        text=True,
        timeout=60,
        env={name: value for name, value in os.environ.items() if name not in parents},
    )


def make_certs(lab: Path) -> list[str]:
    """Run make certs in lab/ (which has a certs/ folder); the lines it printed."""
    done = run_make_certs(lab)
    assert (done.returncode, done.stderr) == (0, ""), f"make certs failed ({done.returncode}): {done.stderr}"
    return done.stdout.splitlines()


def certificate(lab: Path, name: str = "server.crt") -> x509.Certificate:
    return x509.load_pem_x509_certificate((lab / "certs" / name).read_bytes())


def lifetime(made: x509.Certificate) -> timedelta:
    return made.not_valid_after_utc - made.not_valid_before_utc


def expire_in(lab: Path, left: timedelta, lifetime: timedelta = timedelta(days=SERVER_DAYS)) -> x509.Certificate:
    """Sign the server certificate again, unchanged but for its dates: it now expires after `left`."""
    certs = lab / "certs"
    current = certificate(lab)
    ca_key = serialization.load_pem_private_key((certs / "ca.key").read_bytes(), password=None)
    now = datetime.now(timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(current.subject)
        .issuer_name(current.issuer)
        .public_key(current.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + left - lifetime)
        .not_valid_after(now + left)
    )
    for extension in current.extensions:
        builder = builder.add_extension(extension.value, extension.critical)
    aged = builder.sign(ca_key, hashes.SHA256())
    (certs / "server.crt").write_bytes(aged.public_bytes(serialization.Encoding.PEM))
    return aged


@pytest.fixture(scope="module")
def made_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A lab folder whose certificates make certs made from nothing, and what it said."""
    lab = tmp_path_factory.mktemp("made")
    (lab / "certs").mkdir()
    for name in SOURCES:
        shutil.copy2(ROOT / "certs" / name, lab / "certs" / name)
    return lab, make_certs(lab)


@pytest.fixture
def lab(made_once: tuple[Path, list[str]], tmp_path: Path) -> Path:
    """A fresh copy of the made certificates for one test to age."""
    shutil.copytree(made_once[0], tmp_path, dirs_exist_ok=True)
    return tmp_path


def test_from_nothing_a_ten_year_ca_and_a_90_day_server_certificate(made_once):
    lab, said = made_once
    assert len(said) == 2, f"expected one line for the CA and one for the server certificate, got {said}"
    assert lifetime(certificate(lab)) == timedelta(days=SERVER_DAYS), (
        f"expected a {SERVER_DAYS}-day server certificate, got {lifetime(certificate(lab))}"
    )
    assert lifetime(certificate(lab, "ca.crt")) == timedelta(days=3650), (
        f"expected a 10-year CA, got {lifetime(certificate(lab, 'ca.crt'))}"
    )
    verified = subprocess.run(
        ["openssl", "verify", "-CAfile", "ca.crt", "server.crt"], cwd=lab / "certs", capture_output=True, text=True
    )
    assert verified.returncode == 0, f"expected server.crt signed by ca.crt, openssl verify said {verified.stdout}"


def test_nothing_due_nothing_made_nothing_said(lab):
    before = certificate(lab)
    said = make_certs(lab)
    assert said == [], f"expected make certs to say nothing when nothing is due, it said {said}"
    assert certificate(lab) == before, "expected the server certificate kept, it was made again"


@pytest.mark.parametrize("left_days", [10, -3], ids=["expiring-in-10-days", "expired-3-days-ago"])
def test_a_server_certificate_due_is_renewed_in_one_line(lab, left_days):
    aged = expire_in(lab, timedelta(days=left_days))
    ca_before = certificate(lab, "ca.crt")
    said = make_certs(lab)
    assert len(said) == 1 and re.match(r"make certs: certs/server\.crt expire.*: renewed", said[0]), (
        f"expected one line 'make certs: certs/server.crt expire...: renewed', got {said}"
    )
    renewed = certificate(lab)
    assert renewed != aged and lifetime(renewed) == timedelta(days=SERVER_DAYS), (
        f"expected a new {SERVER_DAYS}-day certificate, got one valid {renewed.not_valid_before_utc} to "
        f"{renewed.not_valid_after_utc}"
    )
    assert certificate(lab, "ca.crt") == ca_before, "expected the CA kept (browsers trust it), it was made again"


def test_a_397_day_server_certificate_of_the_old_policy_is_renewed(lab):
    expire_in(lab, timedelta(days=396), lifetime=timedelta(days=397))
    said = make_certs(lab)
    assert len(said) == 1 and f"later than a {SERVER_DAYS}-day certificate can: renewed" in said[0], (
        f"expected one line saying the certificate lives too long, got {said}"
    )
    assert lifetime(certificate(lab)) == timedelta(days=SERVER_DAYS), "expected a new 90-day certificate"


def test_a_server_certificate_60_days_from_expiry_is_kept(lab):
    aged = expire_in(lab, timedelta(days=60))
    said = make_certs(lab)
    assert said == [] and certificate(lab) == aged, f"expected the certificate kept and nothing said, got {said}"


@pytest.mark.parametrize("name", ["server.crt", "server.key"])
def test_a_missing_server_file_is_made(lab, name):
    before = certificate(lab)
    (lab / "certs" / name).unlink()
    said = make_certs(lab)
    assert len(said) == 1 and f"certs/{name} is missing" in said[0], f"expected one line naming {name}, got {said}"
    assert certificate(lab) != before, "expected a new server certificate"


def test_a_new_ca_gets_a_new_server_certificate(lab):
    for name in ("ca.crt", "ca.key"):
        (lab / "certs" / name).unlink()
    said = make_certs(lab)
    assert len(said) == 2 and "certs/server.crt does not verify against certs/ca.crt: made again" in said[1], (
        f"expected a line for the new CA, then one for the server certificate it must sign, got {said}"
    )
    assert certificate(lab).issuer == certificate(lab, "ca.crt").subject, "expected the new CA to sign it"


def test_a_key_that_does_not_match_gets_a_new_certificate(lab):
    other_key = ec.generate_private_key(ec.SECP256R1())
    pem = other_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (lab / "certs" / "server.key").write_bytes(pem)
    said = make_certs(lab)
    assert len(said) == 1 and "certs/server.key does not match certs/server.crt: made again" in said[0], (
        f"expected one line saying the key does not match, got {said}"
    )
    new_key = serialization.load_pem_private_key((lab / "certs" / "server.key").read_bytes(), password=None)
    assert certificate(lab).public_key() == new_key.public_key(), "expected the new certificate to match the new key"


def test_preflight_stops_make_up_only_where_make_certs_renews():
    """Both tools read 'close to expiry' the same way: preflight never blocks what make certs would keep."""
    spec = importlib.util.spec_from_file_location("preflight", ROOT / "tools" / "preflight.py")
    preflight = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(preflight)
    generate = (ROOT / "certs" / "generate.sh").read_text()
    renew_days = int(re.search(r"^RENEW_DAYS=(\d+)$", generate, re.MULTILINE)[1])
    server_days = int(re.search(r"^SERVER_DAYS=(\d+)$", generate, re.MULTILINE)[1])
    assert (renew_days, server_days) == (RENEW_DAYS, SERVER_DAYS), (
        f"expected generate.sh to renew {RENEW_DAYS} days before a {SERVER_DAYS}-day certificate expires, "
        f"it says RENEW_DAYS={renew_days}, SERVER_DAYS={server_days}"
    )
    assert preflight.EXPIRY_MARGIN == timedelta(days=renew_days), (
        f"expected preflight's EXPIRY_MARGIN to be generate.sh's RENEW_DAYS ({renew_days}), "
        f"it is {preflight.EXPIRY_MARGIN}"
    )


# --- the CA's name constraints: trusting it never trusts its key for a public site ---------


def signed_by_lab_ca(lab: Path, name: x509.GeneralName) -> Path:
    """A server certificate for `name`, signed with the lab CA's key, as anyone holding it could."""
    certs = lab / "certs"
    ca = certificate(lab, "ca.crt")
    ca_key = serialization.load_pem_private_key((certs / "ca.key").read_bytes(), password=None)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(timezone.utc)
    made = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "signed with the lab key")]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([name]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    path = lab / "other.crt"
    path.write_bytes(made.public_bytes(serialization.Encoding.PEM))
    return path


def verify(lab: Path, certificate_file: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["openssl", "verify", "-CAfile", str(lab / "certs" / "ca.crt"), str(certificate_file)],
        capture_output=True,
        text=True,
    )


def test_the_ca_carries_critical_name_constraints(made_once):
    lab, _ = made_once
    constraints = certificate(lab, "ca.crt").extensions.get_extension_for_class(x509.NameConstraints)
    assert constraints.critical and constraints.value.permitted_subtrees and not constraints.value.excluded_subtrees, (
        f"expected critical name constraints that permit only the lab's names, saw {constraints}"
    )


PUBLIC_NAMES = [
    x509.DNSName("example.com"),
    x509.DNSName("www.google.com"),
    x509.DNSName("localhost.example.com"),
    x509.IPAddress(ipaddress.ip_address("8.8.8.8")),
    x509.IPAddress(ipaddress.ip_address("2001:db8::1")),
]


@pytest.mark.parametrize("name", PUBLIC_NAMES, ids=lambda name: str(name.value))
def test_a_certificate_for_a_public_name_signed_by_the_lab_ca_fails_verification(made_once, tmp_path, name):
    lab = tmp_path
    shutil.copytree(made_once[0], lab, dirs_exist_ok=True)
    verified = verify(lab, signed_by_lab_ca(lab, name))
    assert verified.returncode != 0 and "permitted subtree violation" in verified.stdout + verified.stderr, (
        f"a certificate for {name.value} signed with the lab CA's key: expected openssl to refuse it "
        f"(permitted subtree violation), it said {verified.stdout.strip()} {verified.stderr.strip()}"
    )


LAB_NAMES = [
    x509.DNSName("localhost"),
    x509.DNSName("race.localhost"),
    x509.DNSName("nginx"),
    x509.DNSName("laptop.local"),
    x509.DNSName("room.home.arpa"),
    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
    x509.IPAddress(ipaddress.ip_address("::1")),
    x509.IPAddress(ipaddress.ip_address("192.168.1.20")),
    x509.IPAddress(ipaddress.ip_address("10.1.2.3")),
]


@pytest.mark.parametrize("name", LAB_NAMES, ids=lambda name: str(name.value))
def test_a_certificate_for_a_lab_or_room_name_verifies(made_once, tmp_path, name):
    lab = tmp_path
    shutil.copytree(made_once[0], lab, dirs_exist_ok=True)
    verified = verify(lab, signed_by_lab_ca(lab, name))
    assert verified.returncode == 0, f"a certificate for {name.value}: expected it to verify, saw {verified.stdout}"


def test_a_ca_made_before_the_constraints_is_replaced_once_in_one_line(lab):
    certs = lab / "certs"
    subprocess.run(  # the CA as make certs made it before it was name-constrained
        ["openssl", "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-days", "3650", "-subj", "/CN=h2lab local CA", "-keyout", "ca.key", "-out", "ca.crt",
         "-addext", "basicConstraints=critical,CA:TRUE,pathlen:0", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        cwd=certs, check=True, capture_output=True,
    )  # fmt: skip
    said = make_certs(lab)
    assert len(said) == 2 and "could sign for any name" in said[0] and "trust it again" in said[0], (
        f"expected one line saying the CA was replaced and must be trusted again, then the server certificate, got {said}"
    )
    assert certificate(lab, "ca.crt").extensions.get_extension_for_class(x509.NameConstraints).critical
    assert make_certs(lab) == [], "expected the new CA kept at the next make certs, with nothing said"


def test_a_new_service_name_in_server_cnf_replaces_the_ca(lab):
    config = lab / "certs" / "server.cnf"
    config.write_text(config.read_text() + "DNS.99 = new-service\n")
    said = make_certs(lab)
    assert len(said) == 2 and "does not permit new-service" in said[0], (
        f"expected one line saying the CA does not permit the new name and was replaced, got {said}"
    )
    assert verify(lab, lab / "certs" / "server.crt").returncode == 0, "expected the new server certificate to verify"


@pytest.mark.parametrize("entry", ["DNS.99 = lab.example.com", "IP.99 = 203.0.113.7"])
def test_a_public_name_in_server_cnf_is_refused_and_nothing_made(lab, entry):
    config = lab / "certs" / "server.cnf"
    config.write_text(config.read_text() + entry + "\n")
    before = {name: (lab / "certs" / name).read_bytes() for name in ("ca.crt", "server.crt")}
    done = run_make_certs(lab)
    value = entry.split("= ")[1]
    assert done.returncode != 0 and done.stderr.startswith(f"make certs: certs/server.cnf names {value}"), (
        f"expected make certs to stop with one line naming {value}, saw ({done.returncode}) {done.stderr!r}"
    )
    assert {name: (lab / "certs" / name).read_bytes() for name in before} == before, "expected nothing made"


def test_every_tls_service_is_in_the_certificate_by_a_host_name_compose_gives_it():
    """LAB_NETWORK=1 probes reach each service by its host name (no "_"): the certificate must name
    it, and compose must answer for it (the service name itself, or an alias)."""
    import endpoints

    config = (ROOT / "certs" / "server.cnf").read_text()
    compose = (ROOT / "compose.yaml").read_text()
    named = set(re.findall(r"^DNS\.\d+ = (\S+)$", config, re.MULTILINE))
    for endpoint in endpoints.ENDPOINTS:
        block = re.search(rf"^  {endpoint.service}:\n(.*?)(?=^  \w|\Z)", compose, re.MULTILINE | re.DOTALL)[1]
        answered = endpoint.host_name == endpoint.service or f"aliases: [{endpoint.host_name}]" in block
        assert endpoint.host_name in named and answered, (
            f"{endpoint.service}: expected its host name {endpoint.host_name} in certs/server.cnf and answered on the "
            f"compose network, saw it {'named' if endpoint.host_name in named else 'not named'} and "
            f"{'answered' if answered else 'no alias'}"
        )


def test_a_name_no_verifier_takes_is_refused():
    config = (ROOT / "certs" / "server.cnf").read_text() + "DNS.99 = flask_backend\n"
    spec = importlib.util.spec_from_file_location("name_constraints", ROOT / "certs" / "name_constraints.py")
    name_constraints = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(name_constraints)
    with pytest.raises(name_constraints.PublicName, match="flask_backend, which is not a host name.*flask-backend"):
        name_constraints.openssl_value(config)
