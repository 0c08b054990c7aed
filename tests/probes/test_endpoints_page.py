"""The /endpoints landing page: on every endpoint, linking every endpoint."""

import pytest

from lab import ENDPOINTS
from wire import http_client

by_name = {"ids": lambda endpoint: endpoint.name}


@pytest.mark.parametrize("endpoint", ENDPOINTS, **by_name)
def test_lists_and_links_every_endpoint(endpoint):
    with http_client(endpoint, http2=True) as client:
        response = client.get("/endpoints")
    assert response.status_code == 200, f"{endpoint}/endpoints: expected 200, saw {response.status_code}"
    missing = [e.port for e in ENDPOINTS if f'data-port="{e.port}"' not in response.text]
    assert missing == [], f"{endpoint}/endpoints: expected links to every port, missing {missing}"
