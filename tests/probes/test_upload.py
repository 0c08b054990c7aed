"""POST /upload on every endpoint, over every protocol it offers: the body read whole (its
length and digest come back), refused with 413 over the limit, and a client that stops half
way leaves the server serving everyone else."""

import re
import ssl

import h2.events
import pytest

from clients.events import Origin
from clients.http2 import new_connection
from clients.upload import body_of, upload
from endpoints import UPLOAD_FLAWS
from lab import CA_FILE, ENDPOINTS, HTTP2_ENDPOINTS, ROOT, Endpoint
from website import upload as site_upload
from wire import http_client, open_tls, tls_context

BODY = body_of(1_000_000)  # about 15 of the smallest windows (65,535 bytes)
# Seconds a server may take to refuse a body declared too large: one that reads the head
# first answers in milliseconds; one that waits for the body would wait for ever.
REFUSAL_PATIENCE = 3
# Servers that read the whole of a body before anything of theirs sees the request, and set
# no limit on it: a body declared too large is refused only once it has all arrived.
READS_THE_WHOLE_BODY_FIRST = {
    (service, protocol): flaw
    for service, flaw in {
        "twisted_backend": "Twisted 26.10: twisted.web renders a request once its body is complete, and has no size limit",
        "django_backend": "Daphne 4.2.3 (on twisted.web): the whole body is read before Django is called",
    }.items()
    for protocol in ("http/1.1", "h2")
}


def origin(endpoint: Endpoint) -> Origin:
    return Origin(endpoint.host, endpoint.port, endpoint.host)


def with_protocols(endpoints: list[Endpoint], flaws: dict[tuple[str, str], str], *, tcp_only: bool = False) -> list:
    """(endpoint, protocol) for every protocol each offers; a strict xfail where a server's known
    flaw (by service and protocol) keeps it from what the test asks."""
    cases = []
    for endpoint in endpoints:
        for protocol in endpoint.tcp_protocols if tcp_only else endpoint.protocols:
            flaw = flaws.get((endpoint.service, protocol))
            marks = [pytest.mark.xfail(strict=True, reason=flaw)] if flaw else []
            cases.append(pytest.param(endpoint, protocol, id=f"{endpoint.name}-{protocol}", marks=marks))
    return cases


@pytest.mark.parametrize("endpoint, protocol", with_protocols(ENDPOINTS, UPLOAD_FLAWS))
def test_upload_is_read_whole(endpoint, protocol):
    uploaded = upload(protocol, origin(endpoint), BODY, str(CA_FILE))
    assert uploaded.status == 200 and uploaded.matches(BODY), (
        f"{endpoint} POST /upload over {protocol}: expected 200 and the length and SHA-256 of the "
        f"{len(BODY)} bytes sent, saw {uploaded.status} {uploaded.answer}"
    )


def declared_too_large_http1(endpoint: Endpoint) -> str:
    """The status line that answers a request head declaring a body over the limit, before any of it."""
    with open_tls(endpoint, tls_context(["http/1.1"])) as tls:
        head = f"POST {site_upload.PATH} HTTP/1.1\r\nHost: {endpoint.host}:{endpoint.port}\r\n"
        tls.sendall(f"{head}Content-Length: {site_upload.LIMIT + 1}\r\n\r\n".encode())
        tls.settimeout(REFUSAL_PATIENCE)
        try:
            return tls.recv(1024).split(b"\r\n", 1)[0].decode()
        except TimeoutError:
            return f"nothing in {REFUSAL_PATIENCE} s"


def declared_too_large_http2(endpoint: Endpoint) -> str:
    """The :status that answers a HEADERS declaring a body over the limit, before any DATA."""
    with open_tls(endpoint, tls_context(["h2"])) as tls:
        connection = new_connection(accept_push=False)
        headers = [(":method", "POST"), (":scheme", "https"), (":authority", f"{endpoint.host}:{endpoint.port}")]
        headers += [(":path", site_upload.PATH), ("content-length", str(site_upload.LIMIT + 1))]
        connection.send_headers(1, headers)
        tls.sendall(connection.data_to_send())
        tls.settimeout(REFUSAL_PATIENCE)
        try:
            while data := tls.recv(65_536):
                for event in connection.receive_data(data):
                    if isinstance(event, h2.events.ResponseReceived):
                        return dict(event.headers)[":status"]
                    if isinstance(event, h2.events.StreamReset | h2.events.ConnectionTerminated):
                        return f"{type(event).__name__} ({event.error_code!r})"
                tls.sendall(connection.data_to_send())
        except (TimeoutError, ssl.SSLError):
            return f"nothing in {REFUSAL_PATIENCE} s"
        return "the connection closed"


@pytest.mark.parametrize("endpoint, protocol", with_protocols(ENDPOINTS, READS_THE_WHOLE_BODY_FIRST, tcp_only=True))
def test_a_body_declared_over_the_limit_is_refused_before_it_is_sent(endpoint, protocol):
    seen = declared_too_large_http1(endpoint) if protocol == "http/1.1" else declared_too_large_http2(endpoint)
    assert seen.startswith(("HTTP/1.1 413", "413")), (
        f"{endpoint} POST /upload over {protocol} declaring {site_upload.LIMIT + 1} bytes (the limit + 1): "
        f"expected 413 before the body, saw {seen!r}"
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_an_upload_that_stops_half_way_leaves_others_served(endpoint):
    with open_tls(endpoint, tls_context(["http/1.1"])) as stalled:
        head = f"POST {site_upload.PATH} HTTP/1.1\r\nHost: {endpoint.host}:{endpoint.port}\r\n"
        stalled.sendall(f"{head}Content-Length: {len(BODY)}\r\n\r\n".encode() + BODY[:65_536])
        with http_client(endpoint, http2=endpoint.http2) as client:
            status = client.get("/").status_code
    assert status == 200, (
        f"{endpoint}: expected GET / to get 200 while another client's upload stood still, got {status}"
    )


FLOW_CONTROL_DOC = ROOT / "docs" / "distance.md"


def documented_flow_control() -> dict[int, tuple[str, str]]:
    """docs/distance.md's table: port -> (INITIAL_WINDOW_SIZE, connection window opened by), as written."""
    rows = re.findall(r"^\| (\d{4}) \| [^|]+ \| ([\d,]+) \| ([+\d,]+) \|", FLOW_CONTROL_DOC.read_text(), re.MULTILINE)
    return {int(port): (initial, opened) for port, initial, opened in rows}


@pytest.mark.parametrize("endpoint", HTTP2_ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_the_flow_control_the_docs_show_is_what_the_server_sends(endpoint):
    flow = upload("h2", origin(endpoint), BODY, str(CA_FILE)).flow_control
    seen = (f"{flow.initial_window:,}", f"+{flow.connection_opened_by:,}" if flow.connection_opened_by else "0")
    documented = documented_flow_control().get(endpoint.port)
    assert documented == seen, (
        f"{endpoint}: {FLOW_CONTROL_DOC.name} says its SETTINGS_INITIAL_WINDOW_SIZE and early connection "
        f"WINDOW_UPDATE are {documented}, the wire says {seen}: correct the table"
    )
