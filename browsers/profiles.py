"""Where the lab's browser profiles live, what they must reach, and whether one is in use.

A profile belongs to the lab: it is never the person's everyday one, and nothing the lab
does to it reaches the system's trust or any other profile. It is kept under the user's
cache folder, per browser, and made again whenever `make browser` runs (what the lab put in
it, that is: bookmarks or history a person adds stay).
"""

import os
import platform
import socket
from pathlib import Path

from browsers.installed import Browser
from browsers.problems import Stop
from endpoints import ENDPOINTS, NGINX_FLASK

DEFAULT_URL = f"https://localhost:{NGINX_FLASK.port}/race"
LAB_HOSTS = {"localhost", "127.0.0.1", "::1"}


def cache_folder() -> Path:
    if platform.system() == "Darwin":
        return Path.home() / "Library" / "Caches"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def profile_folder(browser: Browser, chosen: Path | None = None) -> Path:
    """The lab's profile for this browser: where asked, else under the cache folder. A snap
    browser may write only below ~/snap/NAME/common, so its profile goes there."""
    if chosen is not None:
        return chosen.resolve()
    if browser.snap:
        return Path.home() / "snap" / browser.snap / "common" / "h2lab" / browser.name
    return cache_folder() / "h2lab" / "browsers" / browser.name


def quic_origins() -> list[str]:
    """Every origin where the lab speaks HTTP/3, near and far (host:port)."""
    return [f"localhost:{port}" for e in ENDPOINTS if e.http3 for port in (e.port, e.far_port)]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def holder(folder: Path, family: str) -> int | None:
    """The pid of a browser running with this profile, if any: Chromium's SingletonLock
    (a link to "host-pid"), Firefox's lock (a link to "address:+pid")."""
    lock = folder / ("SingletonLock" if family == "chromium" else "lock")
    try:
        target = os.readlink(lock)
    except OSError:
        return None
    host, _, pid = target.rpartition("+" if family == "firefox" else "-")
    host = host.rstrip(":")
    if not pid.isdigit() or (family == "chromium" and host != socket.gethostname()):
        return None
    return int(pid) if _pid_alive(int(pid)) else None


def check_not_in_use(browser: Browser, folder: Path) -> None:
    pid = holder(folder, browser.family)
    if pid is not None:
        raise Stop(
            f"{browser.name} is already running with the lab's profile (pid {pid}, {folder})",
            "use that window, or close it and run make browser again",
        )
