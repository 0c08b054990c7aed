"""make browser's profiles, built for real in a folder of the test's own (certutil, openssl),
and its one-line errors: no browser, no certutil, a profile already in use. No browser runs
here: the race in Chromium and Firefox is in tests/network."""

import base64
import hashlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from browsers import chromium, firefox, nss, profiles
from browsers.installed import Browser, find
from browsers.problems import Stop
from endpoints import ENDPOINTS
from made_certs import ROOT, make_certificates

CHROMIUM = Browser("chromium", "chromium", Path("/usr/bin/chromium"))
FIREFOX = Browser("firefox", "firefox", Path("/usr/bin/firefox"))
CERTIFICATE_FLAGS = ("--ignore-certificate-errors", "--allow-insecure-localhost", "--disable-web-security")


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> Path:
    return make_certificates(tmp_path_factory.mktemp("lab") / "certs")


def make_browser(*arguments: str, path: str, tmp_path: Path, certs: Path) -> subprocess.CompletedProcess:
    """python3 -m browsers open, as make browser runs it, with PATH as given."""
    where = ["--profile-dir", str(tmp_path / "profile"), "--certs", str(certs)]
    return subprocess.run(
        [sys.executable, "-m", "browsers", "open", *arguments, *where],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env=os.environ | {"PATH": path},
    )  # fmt: skip


def one_line(done: subprocess.CompletedProcess, *named: str) -> None:
    lines = done.stderr.splitlines()
    assert done.returncode == 1 and len(lines) == 1 and lines[0].startswith("make browser: "), (
        f"expected exit 1 and one line 'make browser: ...', saw ({done.returncode}) {done.stderr!r}"
    )
    for words in named:
        assert words in lines[0], f"expected {words!r} in {lines[0]!r}"


def test_http3_is_forced_on_every_origin_where_the_lab_speaks_it_near_and_far():
    expected = {f"localhost:{port}" for e in ENDPOINTS if e.http3 for port in (e.port, e.far_port)}
    assert set(profiles.quic_origins()) == expected and expected, f"saw {profiles.quic_origins()}"


def test_chromium_on_linux_trusts_the_lab_ca_in_the_profile_s_own_nss_database(certs, tmp_path):
    folder = tmp_path / "chromium"
    arguments, environment = chromium.prepare(CHROMIUM, folder, certs / "ca.crt", certs / "server.crt")
    database = folder / "home" / ".pki" / "nssdb"
    assert environment == {"HOME": str(folder / "home")} and arguments == [], (
        f"expected Chromium started with HOME in the profile and no certificate flag, saw {arguments} {environment}"
    )
    assert nss.lab_ca_fingerprint(database) == nss.fingerprint((certs / "ca.crt").read_text()), (
        f"expected the lab's CA in {database}"
    )


def test_chromium_s_command_line_has_no_certificate_bypass_and_reaches_only_the_lab(tmp_path):
    command = chromium.command(CHROMIUM, tmp_path, ["https://localhost:8443/race"], [], headless=False)
    joined = " ".join(command)
    assert not [flag for flag in CERTIFICATE_FLAGS if flag in joined], f"a certificate bypass in {command}"
    assert f"--user-data-dir={tmp_path}" in command and command[-1] == "https://localhost:8443/race", command
    assert f"--origin-to-force-quic-on={','.join(profiles.quic_origins())}" in command, command
    rules = next(argument for argument in command if argument.startswith("--host-resolver-rules="))
    assert rules.startswith("--host-resolver-rules=MAP * ~NOTFOUND") and "EXCLUDE localhost" in rules, rules


def test_the_spki_hash_chromium_trusts_elsewhere_is_the_server_key_s(certs):
    certificate = x509.load_pem_x509_certificate((certs / "server.crt").read_bytes())
    spki = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    expected = base64.b64encode(hashlib.sha256(spki).digest()).decode()
    assert chromium.spki_hash((certs / "server.crt").read_text()) == expected


def test_firefox_s_profile_trusts_the_lab_ca_and_keeps_http3_with_it(certs, tmp_path):
    folder = tmp_path / "firefox"
    folder.mkdir()
    arguments, environment = firefox.prepare(FIREFOX, folder, certs / "ca.crt", certs / "server.crt")
    user_js = (folder / "user.js").read_text()
    assert nss.lab_ca_fingerprint(folder) == nss.fingerprint((certs / "ca.crt").read_text())
    for line in (
        'user_pref("network.http.http3.disable_when_third_party_roots_found", false);',
        'user_pref("browser.shell.checkDefaultBrowser", false);',
        'user_pref("network.trr.mode", 5);',
    ):
        assert line in user_js, f"expected {line} in the profile's user.js"
    assert environment == {"MOZ_REMOTE_SETTINGS_DEVTOOLS": "1"} and arguments == []


def test_a_replaced_ca_replaces_the_old_one_in_the_profile(certs, tmp_path):
    other = make_certificates(tmp_path / "other")
    folder = tmp_path / "firefox"
    folder.mkdir()
    firefox.prepare(FIREFOX, folder, other / "ca.crt", other / "server.crt")
    firefox.prepare(FIREFOX, folder, certs / "ca.crt", certs / "server.crt")
    assert nss.nicknames(folder) == [nss.CA_NICKNAME], f"expected one lab CA, saw {nss.nicknames(folder)}"
    assert nss.lab_ca_fingerprint(folder) == nss.fingerprint((certs / "ca.crt").read_text())


LOCKS = {"chromium": ("SingletonLock", f"{socket.gethostname()}-{{pid}}"), "firefox": ("lock", "127.0.1.1:+{pid}")}


@pytest.mark.parametrize("family", LOCKS)
def test_a_profile_in_use_is_refused_in_one_line(tmp_path, family):
    lock, target = LOCKS[family]
    (tmp_path / lock).symlink_to(target.format(pid=os.getpid()))
    browser = CHROMIUM if family == "chromium" else FIREFOX
    with pytest.raises(Stop, match=rf"already running with the lab's profile \(pid {os.getpid()}"):
        profiles.check_not_in_use(browser, tmp_path)


def test_a_lock_left_by_a_browser_that_died_is_no_obstacle(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    (tmp_path / "SingletonLock").symlink_to(f"{socket.gethostname()}-{dead.pid}")
    profiles.check_not_in_use(CHROMIUM, tmp_path)


def test_no_browser_installed_says_what_to_install(certs, tmp_path):
    done = make_browser("--browser", "firefox", path=str(tmp_path), tmp_path=tmp_path, certs=certs)
    one_line(done, "firefox is not installed", "apt install firefox-esr")
    assert not (tmp_path / "profile").exists(), "expected no profile made"


def test_an_unknown_browser_is_named(tmp_path):
    with pytest.raises(Stop, match="BROWSER=safari is not a browser make browser knows"):
        find("safari")


def test_no_certutil_says_what_to_install_and_writes_no_trust_store(certs, tmp_path):
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    (bin_folder / "firefox").symlink_to("/bin/true")
    for tool in ("openssl", "sh", "uname"):  # what the launch needs besides certutil
        found = subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True, text=True).stdout.strip()
        if found:
            (bin_folder / tool).symlink_to(found)
    done = make_browser("--browser", "firefox", "--headless", path=str(bin_folder), tmp_path=tmp_path, certs=certs)
    one_line(done, "certutil is not installed", "libnss3-tools")
    assert not list((tmp_path / "profile").glob("cert9.db")), "expected no certificate database written"
