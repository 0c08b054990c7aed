"""Django's settings for the lab: one app, no database, no admin, no sessions.

The site is the same files every server serves (website/); Django routes to them (urls.py)
and Daphne, Django's ASGI server, speaks HTTP/2 for it (compose.yaml runs it).
"""

SECRET_KEY = "h2lab: nothing here is signed (no sessions, no forms, no cookies)"
DEBUG = False
# The certificate decides which names reach this server (certs/server.cnf): Host checking
# adds nothing here, and a workshop room's name (LAB_BIND) must be let in as well.
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS: list[str] = []
DATABASES: dict = {}
MIDDLEWARE = ["views.site_headers"]
ROOT_URLCONF = "urls"
USE_TZ = True
LOGGING = {"version": 1, "disable_existing_loggers": False}  # Daphne's access log is the one on stdout
