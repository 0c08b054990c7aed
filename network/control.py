"""The control socket: change the profile, or read it and the counters, while the loop runs.

One JSON line each way per connection: {"set": {profile fields}} or {"show": true}, answered
by {"status": {...}, "text": "..."} or {"error": "..."}. The directory is a volume shared with
the bench container, so the bench can switch profiles between cases.
"""

import contextlib
import json
import os
import socket
import socketserver

from network import memory
from network.emulator import Emulator
from network.profiles import Profile

SOCKET_PATH = "/run/network/control.sock"


class _Handler(socketserver.StreamRequestHandler):
    server: "ControlServer"

    def handle(self) -> None:
        emulator = self.server.emulator
        try:
            request = json.loads(self.rfile.readline())
            if "set" in request:
                emulator.apply(Profile(**request["set"]))
                try:
                    memory.remember(emulator.profile, self.server.started_as, self.server.memory)
                except OSError as error:
                    print(f"network: the new profile is not kept for a restart: {error}", flush=True)
                print(f"network: now {emulator.profile.describe()}", flush=True)
            reply = {"status": emulator.status(), "text": emulator.describe()}
        except (ValueError, TypeError) as error:
            reply = {"error": str(error)}
        self.wfile.write(json.dumps(reply).encode() + b"\n")


class ControlServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True

    def __init__(
        self, emulator: Emulator, path: str = SOCKET_PATH, *, started_as: str = "", memory_path=memory.PATH
    ) -> None:
        self.emulator = emulator
        self.started_as, self.memory = started_as, memory_path  # what a live change is kept under, and where
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)  # left by a previous run
        super().__init__(path, _Handler)
        # Read and write for all: in this container, `docker exec` and the healthcheck are a
        # root with no capabilities (no DAC override); elsewhere only the bench mounts the volume.
        os.chmod(path, 0o666)


def ask(request: dict[str, object], path: str = SOCKET_PATH, timeout: float = 3.0) -> dict[str, object]:
    """Send one request to the running loop and return its answer (OSError when none answers)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(timeout)
        connection.connect(path)
        connection.sendall(json.dumps(request).encode() + b"\n")
        return json.loads(connection.makefile("rb").readline())
