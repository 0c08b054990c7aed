"""The versions of every server in the running stack, as JSON (run on the host by make bench).

python3 -m bench.versions > results/versions.json
"""

import json
import subprocess

PYTHON_PACKAGES = "import importlib.metadata as m, sys; print(sys.version.split()[0], *(f'{p}=={m.version(p)}' for p in sys.argv[1:]))"
COMMANDS = {
    "nginx": ["nginx", "-v"],
    "flask_backend": ["python3", "-c", PYTHON_PACKAGES, "flask", "gunicorn", "h2"],
    "quart_backend": ["python3", "-c", PYTHON_PACKAGES, "quart", "hypercorn", "h2", "aioquic"],
    "twisted_backend": ["python3", "-c", PYTHON_PACKAGES, "twisted", "h2"],
    "granian_flask": ["python3", "-c", PYTHON_PACKAGES, "flask", "granian"],
    "granian_quart": ["python3", "-c", PYTHON_PACKAGES, "quart", "granian"],
    "uvicorn_quart": ["python3", "-c", PYTHON_PACKAGES, "quart", "uvicorn", "zttp"],
    "django_backend": ["python3", "-c", PYTHON_PACKAGES, "django", "daphne", "twisted", "h2"],
    "h2_by_hand": ["python3", "-c", PYTHON_PACKAGES, "h2"],
    "sanic_backend": ["python3", "-c", PYTHON_PACKAGES, "sanic", "aioquic"],
}


def version_of(service: str, command: list[str]) -> str:
    done = subprocess.run(["docker", "compose", "exec", "-T", service, *command], capture_output=True, text=True)
    return (done.stdout + done.stderr).strip().replace("nginx version: ", "")


if __name__ == "__main__":
    print(json.dumps({service: version_of(service, command) for service, command in COMMANDS.items()}, indent=1))
