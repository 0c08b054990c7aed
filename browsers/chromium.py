"""Chromium and Chrome, set up for the lab: its CA trusted in the lab's profile only, HTTP/3
on every origin where the lab speaks it, and no traffic to anywhere but the lab.

Trust. On Linux, Chromium reads trusted roots from the NSS database in $HOME/.pki/nssdb, so
the lab's profile gets a home of its own with its own database holding the lab's CA, and the
browser starts with HOME pointing there. Elsewhere (macOS, a snap, which sets HOME itself),
the profile trusts the server certificate's key by its SPKI hash
(--ignore-certificate-errors-spki-list, honoured only with a --user-data-dir of its own).

HTTP/3. Chromium refuses QUIC with a root it does not ship, even a trusted one, except for
the origins named in --origin-to-force-quic-on: those are the lab's HTTP/3 origins, near and
far. It reaches them on ::1 first, where compose.yaml publishes UDP too.
"""

import base64
import hashlib
import os
import platform
import subprocess
from pathlib import Path

from browsers import cdp, nss, profiles
from browsers.installed import Browser

# What a lab profile does not do: the first-run pages and prompts, and every request to
# anyone but the lab (updates, sync, safe browsing, metrics, translation, network time, the
# optimisation guide). Some requests no switch stops (Chromium 156 lists the Google accounts
# of every profile at start, and checks for component updates): the resolver rules make every
# name but the lab's and a room's private ones "not found", so they never leave the machine.
# make browser HEADLESS=1 lists every host the browser looked up or connected to.
LAB_NAMES = ["localhost", "*.localhost", "*.local", "*.home.arpa", "*.internal", "*.test", "127.0.0.1", "[::1]"]
ROOM_ADDRESSES = ["10.*", "172.*", "192.168.*", "169.254.*"]
QUIET = [
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-search-engine-choice-screen",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--disable-breakpad",
    "--disable-client-side-phishing-detection",
    "--disable-domain-reliability",
    "--metrics-recording-only",
    "--password-store=basic",
    "--use-mock-keychain",
    "--disable-features=Translate,OptimizationHints,MediaRouter,NetworkTimeServiceQuerying,"
    "AutofillServerCommunication,CertificateTransparencyComponentUpdater",
    "--test-type",  # no infobar warning about the next flag on the presenter's screen
    "--host-resolver-rules=MAP * ~NOTFOUND, " + ", ".join(f"EXCLUDE {name}" for name in LAB_NAMES + ROOM_ADDRESSES),
]


def spki_hash(certificate_pem: str) -> str:
    """base64(SHA-256(SubjectPublicKeyInfo)) of a PEM certificate, as Chromium's flag takes it."""
    spki = subprocess.run(
        ["openssl", "x509", "-noout", "-pubkey"], input=certificate_pem, capture_output=True, text=True, check=True
    ).stdout
    der = base64.b64decode("".join(line for line in spki.splitlines() if not line.startswith("-----")))
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def nss_trust_works(browser: Browser) -> bool:
    return platform.system() == "Linux" and not browser.snap


def prepare(browser: Browser, folder: Path, ca_file: Path, server_certificate: Path) -> tuple[list[str], dict]:
    """The lab's trust in the profile; what the command line and environment need for it."""
    folder.mkdir(parents=True, exist_ok=True)
    if nss_trust_works(browser):
        home = folder / "home"
        nss.trust_ca(home / ".pki" / "nssdb", ca_file)
        return [], {"HOME": str(home)}
    return [f"--ignore-certificate-errors-spki-list={spki_hash(server_certificate.read_text())}"], {}


def http3_note() -> str:
    return f"HTTP/3 forced on {', '.join(profiles.quic_origins())}"


def command(browser: Browser, folder: Path, urls: list[str], trust_arguments: list[str], headless: bool) -> list[str]:
    arguments = [str(browser.executable), f"--user-data-dir={folder}", *QUIET, *trust_arguments]
    arguments.append(f"--origin-to-force-quic-on={','.join(profiles.quic_origins())}")
    if os.geteuid() == 0:
        arguments.append("--no-sandbox")  # Chromium refuses to start as root with its sandbox
    if headless:
        arguments += ["--headless", "--remote-debugging-port=0", f"--log-net-log={folder / 'netlog.json'}"]
    return [*arguments, *(urls if not headless else ["about:blank"])]


def run(command: list[str], env: dict, folder: Path, urls: list[str]) -> tuple[list[dict], set[str]]:
    """Headless: through the DevTools protocol (cdp.py)."""
    return cdp.run(command, env, folder, urls)
