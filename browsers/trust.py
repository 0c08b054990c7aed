"""make trust / make untrust: the lab's CA in this machine's trust stores, in mkcert's way.

trust adds the CA to every store it finds: the system's (Debian's update-ca-certificates,
Fedora's update-ca-trust or p11-kit's trust; the login keychain on macOS) and the NSS
databases browsers read (~/.pki/nssdb for Chrome and Chromium on Linux, snap Chromium's,
every Firefox profile). It writes down what it added, and untrust removes exactly that.
All or nothing: what is missing (certutil, root for the system store) stops it before it
writes anything, and a store that fails undoes the ones this run had done.

The CA is name-constrained (certs/name_constraints.py): trusting it trusts its key for the
lab's names only. Browsers still will not use HTTP/3 with a root someone added (Chrome and
Chromium never; Firefox not unless a preference says so): make browser does both.
"""

import json
import os
import platform
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from browsers import nss
from browsers.problems import Stop

CERTS = Path(__file__).resolve().parent.parent / "certs"
FILE_NAME = "h2lab-local-ca"
HTTP3_NOTE = (
    "Chrome and Chromium will still not use HTTP/3 with a root you added yourself, nor Firefox unless "
    "network.http.http3.disable_when_third_party_roots_found is false: for HTTP/3, use make browser."
)


def state_file() -> Path:
    """What make trust added, for make untrust: kept apart from certs/, which make clean deletes."""
    if platform.system() == "Darwin":
        return Path.home() / "Library" / "Application Support" / "h2lab" / "trusted.json"
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return state / "h2lab" / "trusted.json"


def run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise Stop(f"{' '.join(command)} failed ({(done.stderr or done.stdout).strip()[:300]})", "fix what it names")


def as_root(command: list[str]) -> list[str]:
    return command if os.geteuid() == 0 else ["sudo", *command]


@dataclass(frozen=True)
class Store:
    """One place that can trust the CA: kind says how, where says which."""

    kind: str  # "nss", "update-ca-certificates", "update-ca-trust", "p11-kit", "keychain"
    where: str
    created: bool = False  # an NSS database make trust made: make untrust deletes it once empty

    def __str__(self) -> str:
        names = {"nss": "NSS database", "keychain": "macOS keychain"}
        return f"{names.get(self.kind, 'system store')} {self.where} ({self.kind})"

    def add(self, ca_file: Path, fingerprint: str) -> bool:
        """Trust the CA here; False if it already was."""
        if self.kind == "nss":
            return nss.trust_ca(Path(self.where), ca_file)
        if self.kind in ("update-ca-certificates", "update-ca-trust"):
            anchor = Path(self.where)
            if anchor.exists() and nss.fingerprint(anchor.read_text()) == fingerprint:
                return False
            run(as_root(["install", "-m", "0644", str(ca_file), str(anchor)]))
            run(as_root(["update-ca-certificates"] if self.kind == "update-ca-certificates" else ["update-ca-trust"]))
            return True
        if self.kind == "p11-kit":
            run(as_root(["trust", "anchor", "--store", str(ca_file)]))
            return True
        run(["security", "add-trusted-cert", "-r", "trustRoot", "-k", self.where, str(ca_file)])
        return True

    def remove(self, pem: str, fingerprint: str) -> bool:
        """Remove that CA from here; False if it was not here."""
        if self.kind == "nss":
            folder = Path(self.where)
            removed = nss.distrust_ca(folder, fingerprint)
            if self.created and nss.exists(folder) and not nss.nicknames(folder):
                nss.remove_database(folder)
            return removed
        if self.kind in ("update-ca-certificates", "update-ca-trust"):
            anchor = Path(self.where)
            if not anchor.exists() or nss.fingerprint(anchor.read_text()) != fingerprint:
                return False
            run(as_root(["rm", "-f", str(anchor)]))
            run(
                as_root(
                    ["update-ca-certificates", "--fresh"]
                    if self.kind == "update-ca-certificates"
                    else ["update-ca-trust"]
                )
            )
            return True
        saved = state_file().with_name("ca-to-remove.crt")
        saved.write_text(pem)
        try:
            if self.kind == "p11-kit":
                run(as_root(["trust", "anchor", "--remove", str(saved)]))
            else:
                run(["security", "remove-trusted-cert", str(saved)])
                sha1 = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", "-sha1", "-in", str(saved)],
                                      capture_output=True, text=True, check=True).stdout.split("=")[1].replace(":", "").strip()  # fmt: skip
                run(["security", "delete-certificate", "-Z", sha1, self.where])
        finally:
            saved.unlink(missing_ok=True)
        return True


def system_stores() -> list[Store]:
    """The system's trust store, the first way this machine has of changing it."""
    if platform.system() == "Darwin":
        return [Store("keychain", str(Path.home() / "Library" / "Keychains" / "login.keychain-db"))]
    if shutil.which("update-ca-certificates"):
        return [Store("update-ca-certificates", f"/usr/local/share/ca-certificates/{FILE_NAME}.crt")]
    if shutil.which("update-ca-trust"):
        return [Store("update-ca-trust", f"/etc/pki/ca-trust/source/anchors/{FILE_NAME}.pem")]
    if shutil.which("trust"):
        return [Store("p11-kit", "the p11-kit anchors")]
    raise Stop("this machine has none of update-ca-certificates, update-ca-trust or trust",
               "trust certs/ca.crt by hand, or run make trust SYSTEM=0 for the browsers' stores only")  # fmt: skip


def nss_databases(home: Path) -> list[Store]:
    """The NSS databases browsers read: Chrome and Chromium's on Linux (made if a Chromium-family
    browser is installed and it has none yet), snap Chromium's, and every Firefox profile's."""
    found = []
    if platform.system() == "Linux":
        chromium = home / ".pki" / "nssdb"
        if nss.exists(chromium) or any(shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")):
            found.append(chromium)
        found += [home / "snap" / "chromium" / "current" / ".pki" / "nssdb"]
    firefox_homes = [
        home / ".mozilla" / "firefox",
        home / "snap" / "firefox" / "common" / ".mozilla" / "firefox",
        home / ".var" / "app" / "org.mozilla.firefox" / ".mozilla" / "firefox",
        home / "Library" / "Application Support" / "Firefox" / "Profiles",
    ]
    found += [profile for place in firefox_homes if place.is_dir() for profile in sorted(place.iterdir())]
    chosen = [folder for folder in found if nss.exists(folder) or folder == home / ".pki" / "nssdb"]
    return [Store("nss", str(folder)) for folder in chosen]


def read_state() -> dict:
    saved = state_file()
    return json.loads(saved.read_text()) if saved.exists() else {"fingerprint": None, "pem": "", "added": []}


def write_state(state: dict) -> None:
    saved = state_file()
    if not state["added"]:
        saved.unlink(missing_ok=True)
        return
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(state, indent=2) + "\n")


def stores_of(state: dict) -> list[Store]:
    return [Store(**added) for added in state["added"]]


def check_ready(stores: list[Store], certs: Path) -> None:
    if not (certs / "ca.crt").exists():
        raise Stop("certs/ca.crt is missing", "run make certs (make up runs it), then make trust")
    if not (certs / "ca.key").exists():
        raise Stop("certs/ca.key is missing, so this CA cannot sign the lab's next certificate",
                   "make a new CA first (make clean, then make certs), then make trust")  # fmt: skip
    if any(store.kind == "nss" for store in stores):
        nss.certutil()
    if any(store.kind != "nss" and store.kind != "keychain" for store in stores) and os.geteuid() != 0:
        if shutil.which("sudo") is None:
            raise Stop("the system store needs root, and there is no sudo",
                       "run make trust as root, or make trust SYSTEM=0 for the browsers' stores only")  # fmt: skip


def untrust_all(state: dict) -> list[Store]:
    """Remove the CA the state names from every store it was added to; the ones it was in."""
    removed = [store for store in stores_of(state) if store.remove(state["pem"], state["fingerprint"])]
    state["added"] = []
    return removed


def trust(system: bool = True, certs: Path = CERTS) -> str:
    stores = (system_stores() if system else []) + nss_databases(Path.home())
    check_ready(stores, certs)
    ca_file = certs / "ca.crt"
    pem = ca_file.read_text()
    fingerprint = nss.fingerprint(pem)
    state = read_state()
    said = []
    if state["added"] and state["fingerprint"] != fingerprint:  # make certs replaced the CA
        gone = untrust_all(state)
        said.append(f"removed the lab's previous CA from {len(gone)} stores")
        write_state(state)
    state |= {"fingerprint": fingerprint, "pem": pem}
    done: list[Store] = []
    try:
        for store in stores:
            new_database = store.kind == "nss" and not nss.exists(Path(store.where))
            if store.add(ca_file, fingerprint):
                done.append(Store(store.kind, store.where, created=new_database))
    except Stop:
        for store in done:
            store.remove(pem, fingerprint)
        raise
    known = {(added["kind"], added["where"]) for added in state["added"]}
    state["added"] += [vars(store) for store in done if (store.kind, store.where) not in known]
    write_state(state)
    lines = [f"make trust: the lab's CA (SHA-256 {fingerprint[:16]}…, name-constrained to the lab's names)"]
    lines += [f"  {line}" for line in said]
    lines += [f"  added to {store}" for store in done] or ["  was already trusted everywhere it could be"]
    added = {(store.kind, store.where) for store in done}
    lines += [f"  already in {store}" for store in stores if (store.kind, store.where) not in added]
    lines += [f"  {HTTP3_NOTE}", "  make untrust removes exactly what make trust added."]
    return "\n".join(lines)


def untrust() -> str:
    state = read_state()
    if not state["added"]:
        return "make untrust: make trust added nothing here (or make untrust already removed it): nothing to do"
    stores = stores_of(state)
    check_removable(stores)
    fingerprint = state["fingerprint"]
    removed = untrust_all(state)
    write_state(state)
    lines = [f"make untrust: the lab's CA (SHA-256 {fingerprint[:16]}…)"]
    lines += [f"  removed from {store}" for store in removed]
    lines += [f"  no longer in {store} (removed by hand?)" for store in stores if store not in removed]
    lines.append("  Browsers that are open keep trusting it until they restart.")
    return "\n".join(lines)


def check_removable(stores: list[Store]) -> None:
    if any(store.kind == "nss" for store in stores):
        nss.certutil()
