"""Gunicorn's own HTTP/2 (Gunicorn 25+): Flask served directly over TLS on 8445.

ALPN offers h2, then http/1.1. The gthread worker speaks HTTP/2 (the sync
worker would fall back to HTTP/1.1). No push: Gunicorn never implemented it;
GET / sends 103 Early Hints instead (see app.py).
"""

import ssl

wsgi_app = "app:app"
bind = ["0.0.0.0:8445"]
worker_class = "gthread"
workers = 2
threads = 8
certfile = "/run/certs/server.crt"
keyfile = "/run/certs/server.key"
ciphers = "ECDHE+AESGCM:ECDHE+CHACHA20"
http_protocols = "h2,h1"
raw_env = ["SEND_EARLY_HINTS=1"]
graceful_timeout = 20
worker_tmp_dir = "/dev/shm"
control_socket_disable = True  # Gunicorn 27 would open one under $HOME
accesslog = "-"
errorlog = "-"


def ssl_context(config, default_ssl_context_factory):
    """Gunicorn's context, with TLS 1.2 as the floor said out loud."""
    context = default_ssl_context_factory()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context
