"""The containers' healthcheck (endpoints/healthcheck.py) against a real local HTTP server."""

import http.server
import socket
import threading

import pytest

from endpoints import healthcheck


class Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the name http.server calls
        self.send_response(200 if self.path == "/healthz" else 503)
        self.end_headers()

    def log_message(self, *_args):
        pass


@pytest.fixture(scope="module")
def server():
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer) as served:
        threading.Thread(target=served.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{served.server_address[1]}"
        served.shutdown()


def test_200_is_healthy(server):
    assert healthcheck.main(f"{server}/healthz") == 0


def test_another_status_is_not_and_says_it(server, capsys):
    assert healthcheck.main(f"{server}/starting") == 1
    assert "answered 503" in capsys.readouterr().err


def test_a_closed_port_is_not_and_says_why(capsys):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    assert healthcheck.main(f"http://127.0.0.1:{port}/healthz") == 1
    assert "refused" in capsys.readouterr().err.lower()


def test_a_server_that_is_not_http_is_not():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()

        def say_nonsense():
            connection, _ = listener.accept()
            with connection:
                connection.recv(1024)
                connection.sendall(b"SSH-2.0-OpenSSH\r\n")

        threading.Thread(target=say_nonsense, daemon=True).start()
        assert healthcheck.main(f"http://127.0.0.1:{listener.getsockname()[1]}/healthz") == 1
