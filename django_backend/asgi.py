"""Django as an ASGI application, for Daphne: daphne ... asgi:application (compose.yaml)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
application = get_asgi_application()
