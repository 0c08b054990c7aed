"""Hypercorn serving Quart with the settings of hypercorn.toml, and one change.

    python3 serve.py

Hypercorn writes one fixed Alt-Svc (its alt_svc_headers, else its QUIC ports)
into every response. A client of the far port 9444 (the network emulator's,
forwarded to 8444) must be told h3 on UDP 9444, so Hypercorn sends none and the
app names the port the client reached (app.py, alt_svc).
"""

import sys

from hypercorn.config import Config
from hypercorn.run import run


class AltSvcFromTheApp(Config):
    def response_headers(self, protocol: str) -> list[tuple[bytes, bytes]]:
        return [(name, value) for name, value in super().response_headers(protocol) if name != b"alt-svc"]


if __name__ == "__main__":
    config = AltSvcFromTheApp.from_toml("hypercorn.toml")
    config.application_path = "app:app"
    sys.exit(run(config))
