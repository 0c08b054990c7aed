"""make browser: the person's browser with the lab's profile, in a window or headless."""

import os
import platform
import subprocess
from pathlib import Path

from browsers import chromium, firefox, headless, profiles
from browsers.installed import Browser, find
from browsers.problems import Stop

CERTS = Path(__file__).resolve().parent.parent / "certs"
FAMILIES = {"chromium": chromium, "firefox": firefox}
EARLY_EXIT_S = 2  # a browser that cannot start (no display, a broken install) has exited by then


def version(browser: Browser) -> str:
    try:
        shown = subprocess.run([str(browser.executable), "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise Stop(f"{browser.executable} --version failed ({error})", "is the browser installed whole?") from None
    return shown.stdout.strip().splitlines()[-1] if shown.stdout.strip() else browser.name


def check_certificates(certs: Path) -> tuple[Path, Path]:
    """The lab's CA and server certificate (the SPKI trust reads its key)."""
    for name in ("ca.crt", "server.crt"):
        if not (certs / name).exists():
            raise Stop(f"certs/{name} is missing", "run make certs (make up runs it)")
    return certs / "ca.crt", certs / "server.crt"


def check_display() -> None:
    if platform.system() == "Linux" and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise Stop("there is no display to open a window on (DISPLAY is not set)",
                   "run make browser on your desktop, or make browser HEADLESS=1 here")  # fmt: skip


def check_still_running(started: subprocess.Popen, log: Path) -> None:
    try:
        code = started.wait(timeout=EARLY_EXIT_S)
    except subprocess.TimeoutExpired:
        return
    last = next((line for line in reversed(log.read_text(errors="replace").splitlines()) if line.strip()), "")
    raise Stop(f"the browser exited at once (code {code}: {last.strip()[:200]})", f"see {log}")


def open_browser(
    name: str | None, urls: list[str], in_headless: bool, chosen_folder: Path | None, certs: Path = CERTS
) -> str:
    """Start the browser; what to print (in a window: what it is set up for; headless: JSON)."""
    browser = find(name)
    if not in_headless:
        check_display()
    ca_file, server_certificate = check_certificates(certs)
    folder = profiles.profile_folder(browser, chosen_folder)
    profiles.check_not_in_use(browser, folder)
    family = FAMILIES[browser.family]
    shown_version = version(browser)
    trust_arguments, environment = family.prepare(browser, folder, ca_file, server_certificate)
    command = family.command(browser, folder, urls, trust_arguments, in_headless)
    environment = os.environ | environment
    if in_headless:
        reported, hosts = family.run(command, environment, folder, urls)
        return headless.report(browser.name, shown_version, str(folder), urls, reported, hosts)
    with (folder / "browser.log").open("w") as log:
        started = subprocess.Popen(
            command, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    check_still_running(started, folder / "browser.log")
    trust = "its own NSS database" if not trust_arguments else "the server key's SPKI, for this profile only"
    return "\n".join([
        f"make browser: {shown_version}, in the lab's own profile ({folder})",
        f"  the lab's CA trusted there only ({trust}); {family.http3_note()}",
        f"  opening {' '.join(urls)} (its log: {folder / 'browser.log'})",
    ])  # fmt: skip
