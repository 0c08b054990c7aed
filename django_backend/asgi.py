"""Django as an ASGI application, for Daphne: daphne ... asgi:application (compose.yaml);
the bench's bare layer (website/layers.py) answered before Django sees the request."""

import os

from django.core.asgi import get_asgi_application

from website import layers

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
application = layers.bare_asgi(get_asgi_application())
