"""The README stays true: the targets, ports, profiles and pages it names exist."""

import re
import subprocess
from pathlib import Path

import pytest

import endpoints
from network.profiles import PROFILES

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
DOCS = {path.name: path.read_text() for path in (ROOT / "docs").glob("*.md")}
EVERY_TEXT = {"README.md": README} | {f"docs/{name}": text for name, text in DOCS.items()}


def make_targets() -> set[str]:
    listed = subprocess.run(
        ["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return {line.split()[1] for line in listed.stdout.splitlines() if line.strip().startswith("make ")}


def known_ports() -> set[int]:
    raised = tuple(r.endpoint for r in endpoints.RAISED_WINDOWS)
    every = (*endpoints.ENDPOINTS, endpoints.STATIC_NGINX, *raised)
    far = {e.far_port for e in (*endpoints.ENDPOINTS, *raised)}
    return {e.port for e in every} | far | {endpoints.NETWORK_STATUS_PORT}


@pytest.mark.parametrize("name, text", EVERY_TEXT.items(), ids=list(EVERY_TEXT))
def test_every_make_target_named_exists(name, text):
    named = set(re.findall(r"\bmake ([a-z][a-z0-9-]*)", text)) - {"the", "a", "it", "sure"}
    missing = named - make_targets()
    assert not missing, f"{name} names make targets that the Makefile does not have: {sorted(missing)}"


@pytest.mark.parametrize("name, text", EVERY_TEXT.items(), ids=list(EVERY_TEXT))
def test_every_lab_port_named_exists(name, text):
    named = {int(port) for port in re.findall(r"\b(8[4-5]\d\d|9[4-5]\d\d)\b", text)}
    unknown = named - known_ports()
    assert not unknown, f"{name} names ports the lab does not have: {sorted(unknown)}"


def test_the_endpoint_table_lists_every_endpoint_near_and_far():
    table = README[README.index("## Endpoints") : README.index("## See it yourself")]
    missing = [e.port for e in endpoints.ENDPOINTS if not re.search(rf"\| {e.port}\b.*\| {e.far_port}\b", table)]
    assert not missing, (
        f"README's endpoint table: expected a row with port and far port for every endpoint, missing {missing}"
    )


@pytest.mark.parametrize("name, text", EVERY_TEXT.items(), ids=list(EVERY_TEXT))
def test_every_profile_named_exists(name, text):
    named = set(re.findall(r"PROFILE=([a-z0-9]+)", text)) | set(re.findall(r"PROFILES=([a-z0-9,]+)", text))
    named = {profile for group in named for profile in group.split(",")}
    unknown = named - set(PROFILES)
    assert not unknown, f"{name} names network profiles that do not exist: {sorted(unknown)}"


@pytest.mark.parametrize("name, text", EVERY_TEXT.items(), ids=list(EVERY_TEXT))
def test_every_local_link_and_file_named_exists(name, text):
    base = ROOT if name == "README.md" else ROOT / "docs"
    links = [link for link in re.findall(r"\]\(([^)#]+)\)", text) if not link.startswith("http")]
    missing = [link for link in links if not (base / link).exists()]
    assert not missing, f"{name} links files that do not exist: {missing}"


def test_readme_starts_fast():
    lines = README.splitlines()
    quick_start = next(number for number, line in enumerate(lines) if line == "## Quick start")
    assert quick_start < 25 and len(lines) <= 160, (
        f"README: expected the quick start within 25 lines and the whole under 160 (docs/ holds the rest), "
        f"saw it at line {quick_start + 1} of {len(lines)}"
    )
    assert "README_" not in README, "README: a placeholder is left unfilled"


@pytest.mark.parametrize("name, text", EVERY_TEXT.items(), ids=list(EVERY_TEXT))
def test_every_file_a_command_names_exists(name, text):
    """The commands shown (a `$ ` line, or a line of a sh block) name only files the repository has."""
    blocks = re.findall(r"```(?:sh)?\n(.*?)```", text, re.DOTALL)
    commands = [line for block in blocks for line in block.splitlines() if line.startswith("$ ") or "make " in line]
    named = {
        path for line in commands for path in re.findall(r"\b((?:tests|tools|browsers|bench|website)/[\w./-]+)", line)
    }
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert not missing, f"{name}: its commands name files the repository does not have: {missing}"
