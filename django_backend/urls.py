"""Django's routes: the health check, the upload, then every path of the shared site."""

import views
from django.urls import path, re_path

import website
from website import layers, upload

urlpatterns = [
    path(website.HEALTH_PATH.lstrip("/"), views.health),
    path(upload.PATH.lstrip("/"), views.received),
    path(layers.FRAMEWORK_PATH.lstrip("/"), views.tile_from_memory),
    re_path(r"^.*$", views.site_file),
]
