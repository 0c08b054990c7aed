"""GET /profile on TCP 9440 (HTTPS): the profile in force and the counters, as JSON, read-only.

A page on another origin fetches it, hence the CORS header. GET is the only method it knows.
"""

import json
import ssl
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socket import socket

from endpoints import NETWORK_STATUS_PORT
from network.emulator import Emulator

CERTIFICATE = "/run/certs/server.crt"
KEY = "/run/certs/server.key"
HANDSHAKE_SECONDS = 5.0


class _Handler(BaseHTTPRequestHandler):
    server: "StatusServer"
    timeout = HANDSHAKE_SECONDS

    def do_GET(self) -> None:
        if self.path != "/profile":
            self.send_error(404, "only /profile is here")
            return
        body = json.dumps(self.server.emulator.status()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: a page polling the profile would flood the log."""


class StatusServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, emulator: Emulator, port: int = NETWORK_STATUS_PORT) -> None:
        self.emulator = emulator
        self.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.tls.load_cert_chain(CERTIFICATE, KEY)
        super().__init__(("0.0.0.0", port), _Handler)

    def finish_request(self, request: socket, client_address: tuple[str, int]) -> None:
        # The handshake happens here, in the request's own thread, so a silent client
        # holds up no one else.
        request.settimeout(HANDSHAKE_SECONDS)
        try:
            tls_request = self.tls.wrap_socket(request, server_side=True)
        except OSError:  # a failed or abandoned handshake: nobody to answer
            return
        with tls_request:
            super().finish_request(tls_request, client_address)
