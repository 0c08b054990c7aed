"""Gunicorn's own HTTP/2 (Gunicorn 25+): Flask served directly over TLS on 8445.

ALPN offers h2, then http/1.1. The gevent worker speaks HTTP/2 (the sync
worker would fall back to HTTP/1.1), and a connection costs it a greenlet, not a
thread: with gthread (2 workers x 8 threads) 16 idle HTTP/2 connections, stalled
TLS handshakes or unfinished requests locked every new client out
(tests/hardening/test_connection_exhaustion.py). No push: Gunicorn never
implemented it; GET / sends 103 Early Hints instead (see app.py).
"""

import ssl

wsgi_app = "app:app"
bind = ["0.0.0.0:8445"]
worker_class = "gevent"
workers = 2
certfile = "/run/certs/server.crt"
keyfile = "/run/certs/server.key"
ciphers = "ECDHE+AESGCM:ECDHE+CHACHA20"
http_protocols = "h2,h1"
raw_env = ["SEND_EARLY_HINTS=1"]
graceful_timeout = 8  # seconds to drain on stop: within Docker's 10, after which it kills
worker_tmp_dir = "/dev/shm"
control_socket_disable = True  # Gunicorn 27 would open one under $HOME
accesslog = "-"
errorlog = "-"


def ssl_context(config, default_ssl_context_factory):
    """Gunicorn's context, with TLS 1.2 as the floor said out loud.

    Its key-exchange groups (X25519, P-256, P-384) come from OpenSSL's config (python.Dockerfile).
    """
    context = default_ssl_context_factory()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def post_worker_init(worker):
    """gevent does the TLS handshake before Gunicorn's handler sees the connection, so a client
    that hangs up half way through would be logged as a failed greenlet with a traceback."""
    from gevent import get_hub

    hub = get_hub()
    hub.NOT_ERROR = (*hub.NOT_ERROR, ssl.SSLError, ConnectionError)
