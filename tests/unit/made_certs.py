"""The lab's certificates, made as make certs makes them (certs/generate.sh), in a folder of a
test's own: the lab's own certs/ is never touched."""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("generate.sh", "server.cnf", "name_constraints.py")


def make_certificates(folder: Path) -> Path:
    """A CA and a server certificate it signs, in folder (made here)."""
    folder.mkdir()
    for name in SOURCES:
        shutil.copy2(ROOT / "certs" / name, folder / name)
    subprocess.run(["sh", str(folder / "generate.sh")], check=True, capture_output=True)
    return folder
