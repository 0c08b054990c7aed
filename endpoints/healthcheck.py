"""Container healthcheck: exit 0 when GET <url> answers 200, else say why.

    python3 -m endpoints.healthcheck https://localhost:8444/healthz

HTTPS is verified against the lab's CA, mounted at /run/certs/ca.crt.

Docker starts it in every server's container every few seconds, so it is made cheap:
compose runs it with -S (no site-packages scan: the app's venv is not needed), and it
imports only socket and ssl and writes its one HTTP/1.1 request itself. Measured in
the Flask image: 114 ms of CPU a check with urllib.request and site, 61 ms now; a cost
the lab pays under every test and every measurement.
"""

import socket
import ssl
import sys

CA_FILE = "/run/certs/ca.crt"
TIMEOUT = 8  # seconds, inside the healthcheck's own 10 (compose.yaml)


def status_of(url: str) -> int:
    """The status of GET url (http:// or https://host:port/path), over a new connection."""
    scheme, _, rest = url.partition("://")
    authority, _, path = rest.partition("/")
    host, _, port = authority.partition(":")
    with socket.create_connection((host, int(port or (443 if scheme == "https" else 80))), timeout=TIMEOUT) as raw:
        if scheme == "https":
            with ssl.create_default_context(cafile=CA_FILE).wrap_socket(raw, server_hostname=host) as tls:
                return _get(tls, authority, "/" + path)
        return _get(raw, authority, "/" + path)


def _get(connection: socket.socket, authority: str, path: str) -> int:
    connection.sendall(f"GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n".encode())
    status_line = b""
    while b"\r\n" not in status_line and len(status_line) < 1024:
        received = connection.recv(1024)
        if not received:
            break
        status_line += received
    version, _, rest = status_line.partition(b" ")
    if not version.startswith(b"HTTP/1."):
        raise OSError(f"not an HTTP/1.1 answer: {status_line[:60]!r}")
    return int(rest[:3])


def main(url: str) -> int:
    try:
        status = status_of(url)
    except (OSError, ValueError) as error:
        print(f"{url}: {error}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"{url}: answered {status}", file=sys.stderr)
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
