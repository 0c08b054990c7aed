"""bench/settings.py: each server's settings as the results state them, read from the repository."""

from pathlib import Path

import pytest

from bench.settings import file_settings, of_services
from bench.targets import CONFIG_FILES

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize(
    "text, suffix, expected",
    [
        ('"""Gunicorn."""\n\nworkers = 2\nthreads = 8  # why\naccesslog = "-"\n\n\ndef f():\n    x = 1\n', ".py",
         ["workers = 2", "threads = 8", 'accesslog = "-"']),
        ('# Hypercorn\nbind = ["0.0.0.0:8444"]\nworkers = 1\n', ".toml", ['bind = ["0.0.0.0:8444"]', "workers = 1"]),
        ("worker_processes auto;\nevents {\n    worker_connections 1024;\n}\n# sendfile off;\n", ".conf",
         ["worker_processes = auto", "worker_connections = 1024"]),
    ],
    ids=["python", "toml", "nginx"],
)  # fmt: skip
def test_settings_are_the_assignments_or_directives_not_comments_or_code(text, suffix, expected):
    seen = file_settings(text, suffix)
    assert seen == expected, f"expected {expected}, got {seen}"


def test_every_config_file_named_exists_and_has_settings():
    for service, name in CONFIG_FILES.items():
        path = ROOT / name
        assert path.exists(), f"{service}: expected its settings in {name}, which does not exist"
        assert file_settings(path.read_text(), path.suffix), f"{service}: expected settings in {name}, found none"


def test_a_service_gets_its_command_and_its_files_settings():
    config = {
        "services": {
            "quart_backend": {"command": ["python3", "serve.py"]},
            "stock_hypercorn": {"command": ["hypercorn", "app:app"]},
        }
    }
    settings = of_services(config, ["quart_backend", "stock_hypercorn"], ROOT)
    assert settings["stock_hypercorn"] == {"command": ["hypercorn", "app:app"]}, f"got {settings['stock_hypercorn']}"
    hypercorn = settings["quart_backend"]
    assert hypercorn["file"] == "quart_backend/hypercorn.toml", f"expected hypercorn.toml, got {hypercorn}"
    assert "workers = 1" in hypercorn["settings"], f"expected hypercorn.toml's workers, got {hypercorn['settings']}"
