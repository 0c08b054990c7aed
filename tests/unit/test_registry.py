"""endpoints/: the one table of the lab's endpoints, their far ports and the emulator's routes."""

import pytest

from endpoints import ENDPOINTS, FAR_OFFSET, NETWORK_STATUS_PORT, RAISED_WINDOWS, STATIC_NGINX, far_routes, table

RAISED = [raised.endpoint for raised in RAISED_WINDOWS]


@pytest.mark.parametrize("endpoint", [*ENDPOINTS, STATIC_NGINX], ids=lambda e: str(e.port))
def test_far_port_is_port_plus_1000(endpoint):
    assert FAR_OFFSET == 1000, f"expected the far offset the README gives (1000), got {FAR_OFFSET}"
    assert endpoint.far_port == endpoint.port + 1000, f"expected {endpoint.port + 1000}, got {endpoint.far_port}"


def test_static_nginx_is_not_published():
    ports = [e.port for e in ENDPOINTS]
    assert STATIC_NGINX.port == 8448, f"expected the bench's static nginx on 8448, got {STATIC_NGINX.port}"
    assert 8448 not in ports, f"expected 8448 (bench only) not among the published endpoints {ports}"
    assert all(route[0] != STATIC_NGINX.far_port for route in far_routes()), "expected no far route to 8448"


def test_ports_and_far_ports_are_all_distinct():
    ports = [e.port for e in (*ENDPOINTS, STATIC_NGINX, *RAISED)] + [e.far_port for e in (*ENDPOINTS, *RAISED)]
    ports.append(NETWORK_STATUS_PORT)
    repeated = sorted({port for port in ports if ports.count(port) > 1})
    assert not repeated, f"expected every port, far port and the status port to differ, {repeated} repeat in {ports}"


def test_far_routes_carry_tcp_to_every_endpoint_and_udp_to_the_http3_ones():
    routes = [route for route in far_routes() if route[0] not in {e.far_port for e in RAISED}]
    tcp = {(far, service, port) for far, kind, service, port in routes if kind == "tcp"}
    udp = {(far, service, port) for far, kind, service, port in routes if kind == "udp"}
    expected_tcp = {(e.far_port, e.service, e.port) for e in ENDPOINTS}
    # QUIC to the far port reaches the server on the far port's number where it listens there too
    expected_udp = {(e.far_port, e.service, e.far_port if e.quic_on_far_port else e.port) for e in ENDPOINTS if e.http3}
    assert tcp == expected_tcp, f"expected TCP routes {sorted(expected_tcp)}, got {sorted(tcp)}"
    assert udp == expected_udp, f"expected UDP routes {sorted(expected_udp)}, got {sorted(udp)}"
    assert {far for far, _, _ in udp} == {9443, 9444, 9454}, (
        f"expected far HTTP/3 on 9443, 9444, 9454, got {sorted(udp)}"
    )
    assert len(routes) == len(tcp) + len(udp), f"expected no route twice, got {routes}"


def test_table_lists_every_endpoint_with_its_far_port():
    lines = table().splitlines()
    assert lines[0].split()[:3] == ["port", "far", "what"], f"expected the header first, got {lines[0]!r}"
    for endpoint in ENDPOINTS:
        line = next((line for line in lines if line.startswith(f"{endpoint.port} ")), None)
        assert line is not None, f"expected a line for {endpoint.port}, got:\n{table()}"
        assert line.split()[1] == str(endpoint.far_port), f"expected far port {endpoint.far_port} in {line!r}"
        assert endpoint.title in line, f"expected {endpoint.title!r} in {line!r}"
    assert len(lines) == 1 + len(ENDPOINTS), f"expected a header and {len(ENDPOINTS)} rows, got:\n{table()}"


def test_table_columns_line_up():
    lines = table().splitlines()
    starts = {line.index(str(e.far_port)) for e, line in zip(ENDPOINTS, lines[1:], strict=True)}
    assert starts == {lines[0].index("far")}, f"expected every far port under 'far', got columns {starts}:\n{table()}"


def test_a_raised_window_is_routed_far_for_its_protocol_only():
    routes = far_routes()
    for raised in RAISED:
        expected = {(raised.far_port, "udp" if protocol == "h3" else "tcp", raised.service, raised.port)
                    for protocol in raised.protocols}  # fmt: skip
        found = {route for route in routes if route[0] == raised.far_port}
        assert found == expected, f"expected {raised.port}'s far routes {sorted(expected)}, got {sorted(found)}"


@pytest.mark.parametrize("raised", RAISED_WINDOWS, ids=lambda r: str(r.endpoint.port))
def test_a_raised_window_is_its_endpoint_s_server_with_a_protocol_it_offers(raised):
    assert raised.endpoint.service == raised.of.service, (
        f"expected {raised.endpoint.port} served by {raised.of.service}, as {raised.of.port}, got {raised.endpoint.service}"
    )
    assert set(raised.endpoint.protocols) <= set(raised.of.protocols) - {"http/1.1"}, (
        f"expected {raised.endpoint.port} to raise HTTP/2 or HTTP/3 of {raised.of.port}, got {raised.endpoint.protocols}"
    )
    assert raised.endpoint not in ENDPOINTS, f"expected {raised.endpoint.port} unpublished, found it in ENDPOINTS"
