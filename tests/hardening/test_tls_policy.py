"""TLS policy of every TLS endpoint, as sslyze sees it: TLS 1.2 and 1.3 only, ECDHE with
AEAD ciphers only, no compression, no insecure or client-initiated renegotiation.
And nginx's HSTS header."""

import socket

import pytest
from sslyze import ScanCommand, Scanner, ServerNetworkLocation, ServerScanRequest, ServerScanStatusEnum

from lab import ENDPOINTS, HTTP11_BASELINE, NGINX_FLASK, Endpoint
from wire import http_client

by_name = {"ids": lambda endpoint: endpoint.name}
pytestmark = pytest.mark.xdist_group("sslyze")  # one scan of every endpoint, in one worker
REFUSED_VERSIONS = {
    "SSL 2.0": ScanCommand.SSL_2_0_CIPHER_SUITES,
    "SSL 3.0": ScanCommand.SSL_3_0_CIPHER_SUITES,
    "TLS 1.0": ScanCommand.TLS_1_0_CIPHER_SUITES,
    "TLS 1.1": ScanCommand.TLS_1_1_CIPHER_SUITES,
}
ACCEPTED_VERSIONS = {"TLS 1.2": ScanCommand.TLS_1_2_CIPHER_SUITES, "TLS 1.3": ScanCommand.TLS_1_3_CIPHER_SUITES}
POLICY_SCANS = {
    *REFUSED_VERSIONS.values(),
    *ACCEPTED_VERSIONS.values(),
    ScanCommand.TLS_COMPRESSION,
    ScanCommand.SESSION_RENEGOTIATION,
}
AEAD_MARKS = ("_GCM_", "CHACHA20_POLY1305", "_CCM")
HSTS_MIN_AGE = 31536000  # one year, the least that browsers' preload lists take


@pytest.fixture(scope="module")
def scans() -> dict[int, object]:
    """One sslyze scan of every endpoint (in parallel), by port."""
    scanner = Scanner()
    scanner.queue_scans(
        [
            ServerScanRequest(
                ServerNetworkLocation(endpoint.host, endpoint.port, ip_address=socket.gethostbyname(endpoint.host)),
                scan_commands=POLICY_SCANS,
            )
            for endpoint in ENDPOINTS
        ]
    )
    return {result.server_location.port: result for result in scanner.get_results()}


def scanned(scans: dict, endpoint: Endpoint, command: ScanCommand):
    server = scans[endpoint.port]
    assert server.scan_status == ServerScanStatusEnum.COMPLETED, (
        f"{endpoint}: sslyze could not connect: {server.connectivity_error_trace}"
    )
    attempt = getattr(server.scan_result, command.value)
    assert attempt.result is not None, (
        f"{endpoint}: sslyze's {command.value} did not complete: {attempt.error_reason} {attempt.error_trace}"
    )
    return attempt.result


@pytest.mark.parametrize("endpoint", ENDPOINTS, **by_name)
def test_only_tls_1_2_and_1_3_are_accepted(scans, endpoint):
    accepted = {
        version: [s.cipher_suite.name for s in scanned(scans, endpoint, command).accepted_cipher_suites]
        for version, command in REFUSED_VERSIONS.items()
    }
    assert not any(accepted.values()), (
        f"{endpoint}: expected every protocol older than TLS 1.2 refused, saw accepted: {accepted}"
    )
    for version, command in ACCEPTED_VERSIONS.items():
        assert scanned(scans, endpoint, command).accepted_cipher_suites, (
            f"{endpoint}: expected {version} accepted, sslyze saw no cipher suite accepted"
        )


@pytest.mark.parametrize("endpoint", ENDPOINTS, **by_name)
def test_tls_1_2_ciphers_are_ecdhe_with_aead(scans, endpoint):
    suites = [
        s.cipher_suite.name for s in scanned(scans, endpoint, ScanCommand.TLS_1_2_CIPHER_SUITES).accepted_cipher_suites
    ]
    weak = [
        name for name in suites if not name.startswith("TLS_ECDHE_") or not any(mark in name for mark in AEAD_MARKS)
    ]
    assert not weak, (
        f"{endpoint}: expected only ECDHE key exchange with AEAD ciphers in TLS 1.2, saw also {weak} (all: {suites})"
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS, **by_name)
def test_no_tls_compression(scans, endpoint):
    assert not scanned(scans, endpoint, ScanCommand.TLS_COMPRESSION).supports_compression, (
        f"{endpoint}: expected TLS compression refused (CRIME), it is accepted"
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS, **by_name)
def test_no_insecure_or_client_initiated_renegotiation(scans, endpoint):
    renegotiation = scanned(scans, endpoint, ScanCommand.SESSION_RENEGOTIATION)
    assert renegotiation.supports_secure_renegotiation, (
        f"{endpoint}: expected only secure renegotiation (RFC 5746), sslyze saw insecure renegotiation"
    )
    assert not renegotiation.is_vulnerable_to_client_renegotiation_dos, (
        f"{endpoint}: expected client-initiated renegotiation refused, "
        f"it was accepted {renegotiation.client_renegotiations_success_count} times in a row"
    )


@pytest.mark.parametrize("endpoint", [NGINX_FLASK, HTTP11_BASELINE], **by_name)
@pytest.mark.parametrize("path", ["/", "/nginx-health", "/no-such-page"])
def test_nginx_sends_hsts(endpoint, path):
    with http_client(endpoint, http2=False) as client:
        hsts = client.get(path).headers.get("strict-transport-security", "")
    max_age = int(hsts.partition("max-age=")[2].split(";")[0] or 0)
    assert max_age >= HSTS_MIN_AGE, (
        f"{endpoint}{path}: expected Strict-Transport-Security max-age >= {HSTS_MIN_AGE}, saw {hsts!r}"
    )
