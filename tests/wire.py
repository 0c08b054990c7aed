"""Real clients on the wire: TLS with ALPN, and HTTP/2 frames with the h2 library.

Every connection verifies the server's chain against the lab's CA.
"""

import socket
import ssl
from dataclasses import dataclass, field

import h2.config
import h2.connection
import h2.events
import h2.settings
import httpx

from lab import CA_FILE, Endpoint

TIMEOUT = 10.0


def tls_context(alpn: list[str] | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(CA_FILE))
    if alpn:
        context.set_alpn_protocols(alpn)
    return context


def http_client(endpoint: Endpoint, *, http2: bool) -> httpx.Client:
    """httpx for plain requests: HTTP/2 (ALPN h2, http/1.1) or HTTP/1.1 only."""
    alpn = ["h2", "http/1.1"] if http2 else ["http/1.1"]
    return httpx.Client(base_url=endpoint.origin, http2=http2, verify=tls_context(alpn), timeout=TIMEOUT)


def open_tls(endpoint: Endpoint, context: ssl.SSLContext, server_name: str | None = None) -> ssl.SSLSocket:
    raw = socket.create_connection((endpoint.host, endpoint.port), timeout=TIMEOUT)
    try:
        return context.wrap_socket(raw, server_hostname=server_name or endpoint.host)
    except BaseException:
        raw.close()
        raise


def negotiated_alpn(endpoint: Endpoint, offered: list[str]) -> str | None:
    """The protocol the server selects from the ALPN list a client offers."""
    with open_tls(endpoint, tls_context(offered)) as tls:
        return tls.selected_alpn_protocol()


@dataclass
class H2Response:
    headers: list[tuple[str, str]]  # as sent, pseudo-headers included
    body: bytes = b""

    @property
    def status(self) -> int:
        return int(self.values(":status")[0])

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key == name]


@dataclass
class H2Exchange:
    """One request over a fresh HTTP/2 connection, and all the server sent for it."""

    response: H2Response
    informational: list[H2Response] = field(default_factory=list)  # 1xx, e.g. 103
    promised_paths: list[str] = field(default_factory=list)  # PUSH_PROMISE :path, in order
    pushed: dict[str, H2Response] = field(default_factory=dict)  # by promised :path


def h2_get(endpoint: Endpoint, path: str = "/", *, enable_push: bool) -> H2Exchange:
    """GET path over HTTP/2, announcing SETTINGS_ENABLE_PUSH in the first SETTINGS.

    Collects the response, any informational responses and every pushed stream,
    and returns once the request and all promised streams have ended.
    """
    with open_tls(endpoint, tls_context(["h2"])) as tls:
        if tls.selected_alpn_protocol() != "h2":
            raise AssertionError(f"{endpoint}: ALPN selected {tls.selected_alpn_protocol()!r}, not 'h2'")
        connection = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=True, header_encoding="utf-8")
        )
        connection.local_settings = h2.settings.Settings(
            client=True, initial_values={h2.settings.SettingCodes.ENABLE_PUSH: int(enable_push)}
        )
        connection.initiate_connection()
        stream_id = connection.get_next_available_stream_id()
        connection.send_headers(
            stream_id,
            [(":method", "GET"), (":scheme", "https"), (":authority", f"{endpoint.host}:{endpoint.port}"), (":path", path)],
            end_stream=True,
        )
        tls.sendall(connection.data_to_send())
        return _collect(tls, connection, stream_id, endpoint)


def _collect(tls: ssl.SSLSocket, connection: h2.connection.H2Connection, stream_id: int, endpoint: Endpoint) -> H2Exchange:
    responses: dict[int, H2Response] = {}
    informational: list[H2Response] = []
    promised_paths: dict[int, str] = {}
    open_streams = {stream_id}
    while open_streams:
        data = tls.recv(65536)
        if not data:
            raise AssertionError(f"{endpoint}: connection closed with streams {sorted(open_streams)} still open")
        for event in connection.receive_data(data):
            match event:
                case h2.events.PushedStreamReceived():
                    promised_paths[event.pushed_stream_id] = dict(event.headers)[":path"]
                    open_streams.add(event.pushed_stream_id)
                case h2.events.InformationalResponseReceived() if event.stream_id == stream_id:
                    informational.append(H2Response(event.headers))
                case h2.events.ResponseReceived():
                    responses[event.stream_id] = H2Response(event.headers)
                case h2.events.DataReceived():
                    responses[event.stream_id].body += event.data
                    connection.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                case h2.events.StreamEnded() | h2.events.StreamReset():
                    open_streams.discard(event.stream_id)
                case h2.events.ConnectionTerminated():
                    raise AssertionError(f"{endpoint}: GOAWAY ({event.error_code!r}) before the response ended")
        tls.sendall(connection.data_to_send())
    pushed = {path: responses[sid] for sid, path in promised_paths.items() if sid in responses}
    return H2Exchange(responses[stream_id], informational, list(promised_paths.values()), pushed)
