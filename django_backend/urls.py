"""Django's routes: the health check, then every path of the shared site."""

import views
from django.urls import path, re_path

import website

urlpatterns = [
    path(website.HEALTH_PATH.lstrip("/"), views.health),
    re_path(r"^.*$", views.site_file),
]
