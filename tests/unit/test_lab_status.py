"""tools/lab_status.py, the table `make up` ends with, from Docker's own JSON (no Docker here)."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("lab_status", ROOT / "tools" / "lab_status.py")
lab_status = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lab_status)

NGINX = {
    "Service": "nginx", "State": "running", "Health": "healthy", "Image": "sha256:aa",
    "Publishers": [
        {"URL": "127.0.0.1", "TargetPort": 8443, "PublishedPort": 8443, "Protocol": "udp"},
        {"URL": "127.0.0.1", "TargetPort": 8443, "PublishedPort": 8443, "Protocol": "tcp"},
        {"URL": "127.0.0.1", "TargetPort": 8447, "PublishedPort": 8447, "Protocol": "tcp"},
        {"URL": "", "TargetPort": 8448, "PublishedPort": 0, "Protocol": "tcp"},
    ],
}  # fmt: skip
FLASK = {"Service": "flask_backend", "State": "running", "Health": "", "Image": "sha256:bb", "Publishers": None}


def test_reads_both_shapes_of_compose_ps_json():
    as_array, as_lines = json.dumps([NGINX, FLASK]), f"{json.dumps(NGINX)}\n{json.dumps(FLASK)}\n"
    seen = [[c["Service"] for c in lab_status.parse_ps(text)] for text in (as_array, as_lines)]
    assert seen == [["nginx", "flask_backend"]] * 2, f"expected both services from either shape, saw {seen}"


def test_published_ports_group_protocols_and_skip_unpublished():
    seen = lab_status.published(NGINX["Publishers"])
    assert seen == "127.0.0.1: 8443 tcp+udp, 8447 tcp", f"expected 8443 tcp+udp and 8447 tcp, saw {seen!r}"


def test_table_shows_state_size_above_the_base_and_ports():
    text = lab_status.table([NGINX, FLASK], {"sha256:aa": 147_000_000, "sha256:bb": 189_000_000}, 120_000_000)
    lines = text.splitlines()
    assert lines[0].split() == ["SERVICE", "STATE", "IMAGE", "PUBLISHED"], f"header: {lines[0]!r}"
    assert "flask_backend" in lines[1] and "189 MB (+69)" in lines[1], f"flask_backend row: {lines[1]!r}"
    assert "running (healthy)" in lines[2] and "147 MB (+27)" in lines[2] and "8443 tcp+udp" in lines[2], lines[2]
