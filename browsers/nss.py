"""An NSS certificate database (a Firefox profile's; Chromium's on Linux), through certutil.

The lab's CA goes in under one nickname, as a CA trusted for TLS servers ("C,,"): never
for e-mail or code. An older lab CA under that nickname (make certs replaced it) is
replaced; a certificate someone else put there under another nickname is never touched.
"""

import base64
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

from browsers.problems import Stop

CA_NICKNAME = "h2lab local CA"
TRUSTED_FOR_TLS_SERVERS = "C,,"


def certutil() -> str:
    found = shutil.which("certutil")
    if found is None:
        raise Stop(
            "certutil is not installed (it puts the lab's CA into a browser's own certificate store)",
            "install it (apt install libnss3-tools, dnf install nss-tools, brew install nss) and run it again",
        )
    return found


def fingerprint(pem: str) -> str:
    """SHA-256 of a PEM certificate's DER bytes, in hex."""
    body = re.search(r"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", pem, re.DOTALL)
    if body is None:
        raise ValueError("not a PEM certificate")
    return hashlib.sha256(base64.b64decode("".join(body[1].split()))).hexdigest()


def _run(*arguments: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([certutil(), *arguments], capture_output=True, text=True, timeout=30)
    if check and done.returncode != 0:
        raise Stop(f"certutil {' '.join(arguments)} failed ({done.stderr.strip() or done.stdout.strip()})",
                   "fix what it names and run it again")  # fmt: skip
    return done


def database(folder: Path) -> str:
    return f"sql:{folder}"


def exists(folder: Path) -> bool:
    return (folder / "cert9.db").exists()


def create(folder: Path) -> None:
    """An empty database (no password), where there is none yet."""
    if not exists(folder):
        folder.mkdir(parents=True, exist_ok=True)
        _run("-N", "--empty-password", "-d", database(folder))


def nicknames(folder: Path) -> list[str]:
    """Every certificate's nickname in the database."""
    listed = _run("-L", "-d", database(folder)).stdout.splitlines()
    rows = [re.match(r"^(.*\S)\s+\S*,\S*,\S*\s*$", line) for line in listed]
    return [row[1] for row in rows if row and row[1] != "Certificate Nickname"]


def remove_database(folder: Path) -> None:
    """Delete a database (its files, and its folder once empty)."""
    for name in ("cert9.db", "key4.db", "pkcs11.txt"):
        (folder / name).unlink(missing_ok=True)
    for made in (folder, folder.parent):  # ~/.pki/nssdb, then ~/.pki
        if made.exists() and not any(made.iterdir()) and made.name in (folder.name, ".pki"):
            made.rmdir()


def lab_ca_fingerprint(folder: Path) -> str | None:
    """The fingerprint of what the database holds under the lab's nickname, if anything."""
    shown = _run("-L", "-n", CA_NICKNAME, "-a", "-d", database(folder), check=False)
    return fingerprint(shown.stdout) if shown.returncode == 0 and "BEGIN CERTIFICATE" in shown.stdout else None


def trust_ca(folder: Path, ca_file: Path) -> bool:
    """The lab's CA trusted in the database (made if missing); True if it was not already."""
    certutil()  # before anything is made
    create(folder)
    wanted = fingerprint(ca_file.read_text())
    if lab_ca_fingerprint(folder) == wanted:
        return False
    while lab_ca_fingerprint(folder) is not None:  # an older lab CA: make certs replaced it
        _run("-D", "-n", CA_NICKNAME, "-d", database(folder))
    _run("-A", "-n", CA_NICKNAME, "-t", TRUSTED_FOR_TLS_SERVERS, "-i", str(ca_file), "-d", database(folder))
    return True


def distrust_ca(folder: Path, expected_fingerprint: str) -> bool:
    """Remove the lab's CA if the database holds exactly that one; True if it did."""
    if not exists(folder) or lab_ca_fingerprint(folder) != expected_fingerprint:
        return False
    _run("-D", "-n", CA_NICKNAME, "-d", database(folder))
    return True
