"""Granian's own static route on 8449 (the bench measures it apart from the app): it serves
the app's bytes for the same file, and nothing outside the folder it mounts."""

import pytest

from endpoints import GRANIAN_FILES_ROUTE, GRANIAN_FLASK
from lab import ENDPOINTS
from wire import h2_get

GRANIAN = next(endpoint for endpoint in ENDPOINTS if endpoint.port == GRANIAN_FLASK.port)
TILE = "/tiles/r00c00.png"
pytestmark = pytest.mark.xdist_group(GRANIAN.service)


def test_the_own_route_serves_the_bytes_the_app_serves():
    own = h2_get(GRANIAN, GRANIAN_FILES_ROUTE + TILE, enable_push=False).response
    app = h2_get(GRANIAN, "/static" + TILE, enable_push=False).response
    seen = (own.status, app.status, own.body == app.body, own.values("content-type"))
    assert seen == (200, 200, True, ["image/png"]), (
        f"{GRANIAN}: expected {GRANIAN_FILES_ROUTE}{TILE} to be /static{TILE}'s PNG (both 200, same bytes), "
        f"saw statuses {own.status} and {app.status}, same bytes {own.body == app.body}, {own.values('content-type')}"
    )


@pytest.mark.parametrize(
    "path", ["/../app.py", "/%2e%2e/app.py", "/..%2fapp.py", "/../../../etc/passwd", "/tiles/../../app.py"]
)
def test_the_own_route_keeps_to_its_folder(path):
    response = h2_get(GRANIAN, GRANIAN_FILES_ROUTE + path, enable_push=False).response
    leaked = b"Flask(" in response.body or b"root:" in response.body
    assert response.status >= 400 and not leaked, (
        f"{GRANIAN}{GRANIAN_FILES_ROUTE}{path}: expected a 4xx and no file from outside the mounted folder, "
        f"saw {response.status} with {len(response.body)} bytes{' (a file from outside)' if leaked else ''}"
    )
