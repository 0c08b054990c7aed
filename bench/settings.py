"""Each server's settings as the results state them: its compose command, and the
settings of the file that command reads (read from the repository, never retyped)."""

import re
from pathlib import Path

from bench.targets import CONFIG_FILES

ASSIGNMENT = re.compile(r"^([A-Za-z_]\w*)\s*=\s*(.+?)\s*(#.*)?$")  # Python and TOML: name = value
DIRECTIVE = re.compile(r"^\s*([a-z_0-9]+)\s+([^;{#]+);")  # nginx: name value;


def file_settings(text: str, suffix: str) -> list[str]:
    pattern = DIRECTIVE if suffix == ".conf" else ASSIGNMENT
    return [f"{found[1]} = {found[2].strip()}" for found in map(pattern.match, text.splitlines()) if found]


def of_services(compose_config: dict, services: list[str], root: Path) -> dict[str, dict]:
    """{service: {"command": [...], "file": path, "settings": [...]}} from `docker compose config`'s JSON."""
    settings = {}
    for service in services:
        entry = {"command": compose_config["services"][service].get("command")}
        if service in CONFIG_FILES:
            path = root / CONFIG_FILES[service]
            entry |= {"file": CONFIG_FILES[service], "settings": file_settings(path.read_text(), path.suffix)}
        settings[service] = entry
    return settings
