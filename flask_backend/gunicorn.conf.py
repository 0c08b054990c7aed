"""Gunicorn for Flask behind nginx: plain HTTP/1.1 on the compose network only.

nginx terminates TLS and HTTP/2 and keeps upstream connections alive, so the
backend needs no TLS and threads that can sit on idle keep-alive connections.
No Early Hints here: nginx 1.26 takes an upstream 103 for the final response.
"""

wsgi_app = "app:app"
bind = ["0.0.0.0:8000"]
worker_class = "gthread"
workers = 2
threads = 8
keepalive = 75  # longer than nginx's upstream keepalive_timeout (60 s)
graceful_timeout = 8  # seconds to drain on stop: within Docker's 10, after which it kills
worker_tmp_dir = "/dev/shm"
control_socket_disable = True  # Gunicorn 27 would open one under $HOME
accesslog = "-"
errorlog = "-"
