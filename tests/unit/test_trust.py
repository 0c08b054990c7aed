"""make trust and make untrust against a throwaway HOME: its Firefox profile's NSS database (with
a certificate of someone else's in it) and Chromium's ~/.pki/nssdb, real certutil, the browsers'
stores only (SYSTEM=0: the system's own store is this machine's, not a test's)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from browsers import nss
from made_certs import ROOT, make_certificates


@pytest.fixture
def home(tmp_path) -> Path:
    """A HOME with Chromium's NSS database, and one Firefox profile whose database already trusts
    another CA."""
    profile = tmp_path / "home" / ".mozilla" / "firefox" / "abc.default-esr"
    nss.create(profile)
    nss.create(tmp_path / "home" / ".pki" / "nssdb")
    other = make_certificates(tmp_path / "other")
    subprocess.run(["certutil", "-A", "-n", "someone else's CA", "-t", "C,,", "-i", str(other / "ca.crt"),
                    "-d", f"sql:{profile}"], check=True)  # fmt: skip
    return tmp_path / "home"


@pytest.fixture
def certs(tmp_path) -> Path:
    return make_certificates(tmp_path / "certs")


def make(command: str, home: Path, certs: Path | None = None, path: str | None = None) -> subprocess.CompletedProcess:
    arguments = [sys.executable, "-m", "browsers", command]
    if command == "trust":
        arguments += ["--no-system", "--certs", str(certs)]
    environment = os.environ | {"HOME": str(home), "XDG_STATE_HOME": str(home / ".local" / "state")}
    if path is not None:
        environment["PATH"] = path
    return subprocess.run(arguments, cwd=ROOT, capture_output=True, text=True, timeout=60, env=environment)


def firefox_profile(home: Path) -> Path:
    return home / ".mozilla" / "firefox" / "abc.default-esr"


def trusted(folder: Path) -> str | None:
    return nss.lab_ca_fingerprint(folder) if nss.exists(folder) else None


def test_trust_adds_the_ca_to_every_browser_database_and_untrust_removes_exactly_that(home, certs):
    fingerprint = nss.fingerprint((certs / "ca.crt").read_text())
    chromium = home / ".pki" / "nssdb"
    done = make("trust", home, certs)
    assert done.returncode == 0, f"make trust: expected success, saw {done.stderr}"
    assert (trusted(firefox_profile(home)), trusted(chromium)) == (fingerprint, fingerprint), (
        f"make trust: expected the lab's CA in Firefox's profile and in {chromium}, it said {done.stdout}"
    )
    assert "HTTP/3" in done.stdout and "make browser" in done.stdout, f"expected the HTTP/3 note, saw {done.stdout}"
    again = make("trust", home, certs)
    assert "already trusted everywhere" in again.stdout, f"a second make trust: expected nothing added: {again.stdout}"

    undone = make("untrust", home)
    assert undone.returncode == 0, f"make untrust: expected success, saw {undone.stderr}"
    assert nss.nicknames(firefox_profile(home)) == ["someone else's CA"], (
        f"make untrust: expected only the other CA left in Firefox's profile, saw {nss.nicknames(firefox_profile(home))}"
    )
    assert nss.nicknames(chromium) == [], f"make untrust: expected nothing left in {chromium}"
    assert "nothing to do" in make("untrust", home).stdout, "a second make untrust: expected nothing to do"


def test_trust_after_make_certs_replaced_the_ca_swaps_the_old_one_out(home, certs, tmp_path):
    make("trust", home, certs)
    replaced = make_certificates(tmp_path / "replaced")
    done = make("trust", home, replaced)
    assert "removed the lab's previous CA" in done.stdout, f"expected the old CA removed first, saw {done.stdout}"
    assert trusted(firefox_profile(home)) == nss.fingerprint((replaced / "ca.crt").read_text())
    state = json.loads((home / ".local" / "state" / "h2lab" / "trusted.json").read_text())
    assert state["fingerprint"] == nss.fingerprint((replaced / "ca.crt").read_text()), "expected the new CA recorded"


def test_no_certutil_stops_trust_in_one_line_with_nothing_written(home, certs):
    before = nss.nicknames(firefox_profile(home))
    done = make("trust", home, certs, path=str(home))  # no certutil on this PATH
    lines = done.stderr.splitlines()
    assert done.returncode == 1 and len(lines) == 1 and lines[0].startswith("make trust: certutil is not installed"), (
        f"expected one line 'make trust: certutil is not installed...', saw ({done.returncode}) {done.stderr!r}"
    )
    assert nss.nicknames(firefox_profile(home)) == before and not (home / ".local" / "state").exists(), (
        "expected nothing written to any trust store, nor to make trust's record"
    )


def test_a_missing_ca_key_stops_trust_in_one_line(home, certs):
    (certs / "ca.key").unlink()
    done = make("trust", home, certs)
    assert done.returncode == 1 and done.stderr.startswith("make trust: certs/ca.key is missing"), done.stderr
    assert trusted(firefox_profile(home)) is None, "expected nothing trusted"
