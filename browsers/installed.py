"""Which browsers this machine has, where (Linux and macOS), and what to install otherwise."""

import platform
import shutil
from dataclasses import dataclass
from pathlib import Path

from browsers.problems import Stop

# What make browser's BROWSER= names: the family it belongs to, where it lives, how to get it.
KNOWN = {
    "chromium": {
        "family": "chromium",
        "Linux": ["chromium", "chromium-browser"],
        "Darwin": ["/Applications/Chromium.app/Contents/MacOS/Chromium"],
        "install": "apt install chromium, dnf install chromium, or brew install --cask chromium",
    },
    "chrome": {
        "family": "chromium",
        "Linux": ["google-chrome", "google-chrome-stable"],
        "Darwin": ["/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"],
        "install": "from https://www.google.com/chrome/, or brew install --cask google-chrome",
    },
    "firefox": {
        "family": "firefox",
        "Linux": ["firefox", "firefox-esr"],
        "Darwin": ["/Applications/Firefox.app/Contents/MacOS/firefox"],
        "install": "apt install firefox-esr, dnf install firefox, or brew install --cask firefox",
    },
}


@dataclass(frozen=True)
class Browser:
    name: str  # as BROWSER= says it: chromium, chrome, firefox
    family: str  # chromium (Chromium and Chrome) or firefox
    executable: Path

    @property
    def snap(self) -> str | None:
        """The snap's name when this is a snap package (Ubuntu's Chromium and Firefox)."""
        resolved = self.executable.resolve()
        return resolved.name if resolved.parts[:2] == ("/", "snap") else None


def _where(name: str) -> Path | None:
    system = platform.system()
    for candidate in KNOWN[name].get(system, []):
        if candidate.startswith("/"):
            for place in (Path(candidate), Path.home() / candidate.lstrip("/")):  # also ~/Applications
                if place.exists():
                    return place
        elif found := shutil.which(candidate):
            return Path(found)
    return None


def find(name: str | None) -> Browser:
    """The browser BROWSER= names, or the first of chromium, chrome, firefox this machine has."""
    if name is not None and name not in KNOWN:
        raise Stop(f"BROWSER={name} is not a browser make browser knows", f"use one of {', '.join(KNOWN)}")
    for candidate in [name] if name else list(KNOWN):
        executable = _where(candidate)
        if executable is not None:
            return Browser(candidate, KNOWN[candidate]["family"], executable)
    if name:
        raise Stop(f"{name} is not installed", f"install it ({KNOWN[name]['install']}), or choose another: BROWSER=")
    raise Stop(
        "no browser found (looked for Chromium, Chrome and Firefox)",
        f"install one ({KNOWN['chromium']['install']}; or {KNOWN['firefox']['install']}) and run make browser again",
    )
