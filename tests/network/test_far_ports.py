"""The far ports: every endpoint again at port + 1000, through the emulator, TCP and UDP;
`make network` shows and changes the far network live."""

import subprocess

import httpx
import pytest

from clients.http3 import h3_get_all
from far import network, status
from lab import CA_FILE, ENDPOINTS, HTTP3_ENDPOINTS, ROOT
from stack import container_state
from wire import tls_context

by_name = {"ids": lambda endpoint: endpoint.name}


def far_get(endpoint, path: str = "/") -> httpx.Response:
    with httpx.Client(http2=True, verify=tls_context(["h2", "http/1.1"]), timeout=30) as client:
        return client.get(f"https://{endpoint.far_host}:{endpoint.far_port}{path}")


@pytest.mark.parametrize("endpoint", ENDPOINTS, **by_name)
def test_far_port_serves_what_the_near_port_serves(endpoint):
    with httpx.Client(http2=True, verify=tls_context(["h2", "http/1.1"]), timeout=10) as client:
        near = client.get(f"{endpoint.origin}/")
    far = far_get(endpoint)
    seen = (far.status_code, far.http_version, far.content == near.content)
    expected = (200, near.http_version, True)
    assert seen == expected, f"{endpoint} far port {endpoint.far_port}: expected {expected}, saw {seen}"


@pytest.mark.parametrize("endpoint", HTTP3_ENDPOINTS, **by_name)
def test_alt_svc_on_a_far_port_names_the_far_udp_port(endpoint):
    alt_svc = far_get(endpoint).headers.get("alt-svc", "")
    expected = f'h3=":{endpoint.far_port}"'
    assert expected in alt_svc and f":{endpoint.port}" not in alt_svc, (
        f"{endpoint} far port {endpoint.far_port}: expected Alt-Svc {expected} (and not the near port), saw {alt_svc!r}"
    )


@pytest.mark.parametrize("endpoint", HTTP3_ENDPOINTS, **by_name)
def test_http3_through_the_far_udp_port(endpoint):
    response = h3_get_all(endpoint.far_host, endpoint.far_port, ["/"], ca_file=str(CA_FILE), server_name="localhost")[
        "/"
    ]
    alt_svc = dict(response.headers).get("alt-svc", "")
    seen = (response.status, f'h3=":{endpoint.far_port}"' in alt_svc)
    assert seen == (200, True), (
        f"{endpoint} far udp {endpoint.far_port}: expected 200 over h3 with Alt-Svc naming the far port, "
        f"saw {response.status} and Alt-Svc {alt_svc!r}"
    )


def test_make_network_changes_the_far_network_live_and_shows_it():
    started = container_state("network")
    with network("slow4g"):
        shown = subprocess.run(
            ["make", "--no-print-directory", "network"], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        in_force = status()
    seen = {"profile": in_force["name"], "shown": "slow4g" in shown.stdout, "container": container_state("network")}
    expected = {"profile": "slow4g", "shown": True, "container": started}
    assert seen == expected, f"make network PROFILE=slow4g: expected {expected}, saw {seen} ({shown.stderr.strip()})"
