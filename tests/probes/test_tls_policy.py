"""TLS policy of every TLS endpoint, as sslyze sees it.

1. Mozilla's "intermediate", by sslyze's own checker: what
   `sslyze --mozilla_config intermediate --certinfo_ca_file certs/ca.crt` says.
2. The lab's own points, stricter than Mozilla's: TLS 1.2 and 1.3 only, ECDHE with
   AEAD ciphers only, key exchange X25519, P-256 and P-384 exactly, no compression,
   no insecure or client-initiated renegotiation.
3. The same key-exchange groups over QUIC (HTTP/3), which sslyze does not speak.
And nginx's HSTS header.
"""

import asyncio
import socket
from importlib import metadata

import aioquic.tls
import pytest
from aioquic.asyncio.client import connect
from aioquic.h3.connection import H3_ALPN
from aioquic.quic.configuration import QuicConfiguration
from sslyze import (
    CertificateInfoExtraArgument,
    ScanCommand,
    ScanCommandsExtraArguments,
    Scanner,
    ServerNetworkLocation,
    ServerScanRequest,
    ServerScanStatusEnum,
)
from sslyze.mozilla_tls_profile.tls_config_checker import (
    SCAN_COMMANDS_NEEDED_BY_MOZILLA_CHECKER,
    MozillaTlsConfiguration,
    ServerNotCompliantWithTlsConfiguration,
    TlsConfigurationEnum,
    check_server_against_tls_configuration,
)

from lab import CA_FILE, ENDPOINTS, HTTP3_ENDPOINTS, HTTP11_BASELINE, NGINX_FLASK, Endpoint
from wire import TIMEOUT, http_client

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
    *SCAN_COMMANDS_NEEDED_BY_MOZILLA_CHECKER,
}
INTERMEDIATE = MozillaTlsConfiguration.get(TlsConfigurationEnum.MOZILLA_INTERMEDIATE)
CHECKER = f"sslyze {metadata.version('sslyze')}'s checker"
AEAD_MARKS = ("_GCM_", "CHACHA20_POLY1305", "_CCM")
# nginx's ssl_ecdh_curve; the Python servers' OPENSSL_CONF (python.Dockerfile); rustls's own (Granian).
KEY_EXCHANGE_GROUPS = {"X25519", "secp256r1", "secp384r1"}
HSTS_MIN_AGE = 31536000  # one year, the least that browsers' preload lists take


@pytest.fixture(scope="module")
def scans() -> dict[int, object]:
    """One sslyze scan of every endpoint (in parallel), by port; the lab's CA is the trust store."""
    trust_the_lab = ScanCommandsExtraArguments(certificate_info=CertificateInfoExtraArgument(custom_ca_file=CA_FILE))
    scanner = Scanner()
    scanner.queue_scans(
        [
            ServerScanRequest(
                ServerNetworkLocation(endpoint.host, endpoint.port, ip_address=socket.gethostbyname(endpoint.host)),
                scan_commands=POLICY_SCANS,
                scan_commands_extra_arguments=trust_the_lab,
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
def test_mozilla_intermediate_by_sslyze_checker(scans, endpoint):
    for command in SCAN_COMMANDS_NEEDED_BY_MOZILLA_CHECKER:
        scanned(scans, endpoint, command)  # each says why, when it could not run
    try:
        check_server_against_tls_configuration(scans[endpoint.port], INTERMEDIATE)
    except ServerNotCompliantWithTlsConfiguration as failed:
        points = "; ".join(f"{point}: {why}" for point, why in failed.issues.items())
        pytest.fail(f"{endpoint}: expected Mozilla's intermediate met, {CHECKER} found it fails {points}")


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
def test_key_exchange_groups_are_x25519_p256_p384(scans, endpoint):
    curves = scanned(scans, endpoint, ScanCommand.ELLIPTIC_CURVES).supported_curves or []
    accepted = {curve.name for curve in curves}
    assert accepted == KEY_EXCHANGE_GROUPS, (
        f"{endpoint}: expected exactly the key-exchange groups {sorted(KEY_EXCHANGE_GROUPS)}, "
        f"sslyze saw {sorted(accepted)} accepted"
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


# --- HTTP/3: the same groups over QUIC ----------------------------------------------

QUIC_GROUPS = {
    "X25519": aioquic.tls.Group.X25519,
    "secp256r1": aioquic.tls.Group.SECP256R1,
    "secp384r1": aioquic.tls.Group.SECP384R1,
    "X448": aioquic.tls.Group.X448,
    "secp521r1": aioquic.tls.Group.SECP521R1,
}
QUIC_UPSTREAM_FLAWS = {
    ("quart_backend", "X448"): (
        "Hypercorn 0.18.0 speaks HTTP/3 through aioquic 1.7.2, whose TLS accepts X448 whenever cryptography "
        "can do it (aioquic.tls.Context: P-256, P-384, X25519, X448), with no setting to narrow: the handshake completes"
    ),
    ("sanic_backend", "X448"): (
        "Sanic 25.12.1 speaks HTTP/3 through aioquic 1.7.2, whose TLS accepts X448 whenever cryptography "
        "can do it (aioquic.tls.Context: P-256, P-384, X25519, X448), with no setting to narrow: the handshake completes"
    ),
}


def quic_cases() -> list:
    """Every HTTP/3 endpoint with every group; known upstream flaws are strict xfails."""
    return [
        pytest.param(
            endpoint,
            group,
            id=f"{endpoint.name}-{group}",
            marks=[pytest.mark.xfail(strict=True, reason=QUIC_UPSTREAM_FLAWS[endpoint.service, group])]
            if (endpoint.service, group) in QUIC_UPSTREAM_FLAWS
            else [],
        )
        for endpoint in HTTP3_ENDPOINTS
        for group in QUIC_GROUPS
    ]


def offer_only(monkeypatch: pytest.MonkeyPatch, group: int) -> None:
    """Make aioquic's client offer one group: it offers all it knows and has no setting for it."""
    context_init = aioquic.tls.Context.__init__

    def offering_one(self, *args, **kwargs) -> None:
        context_init(self, *args, **kwargs)
        self._supported_groups = [group]

    monkeypatch.setattr(aioquic.tls.Context, "__init__", offering_one)


async def quic_handshake(endpoint: Endpoint) -> bool:
    """Whether a QUIC handshake (TLS 1.3, verified against the lab's CA) with the endpoint completes."""
    configuration = QuicConfiguration(is_client=True, alpn_protocols=H3_ALPN, cafile=str(CA_FILE))
    try:
        async with connect(endpoint.host, endpoint.port, configuration=configuration):
            return True
    except ConnectionError:
        return False


@pytest.mark.parametrize("endpoint, group", quic_cases())
def test_quic_key_exchange_groups_are_x25519_p256_p384(monkeypatch, endpoint, group):
    offer_only(monkeypatch, QUIC_GROUPS[group])
    try:
        completed = asyncio.run(asyncio.wait_for(quic_handshake(endpoint), TIMEOUT))
    except TimeoutError:
        pytest.fail(f"{endpoint} over QUIC: a client offering only {group} had no answer in {TIMEOUT} s")
    expected = group in KEY_EXCHANGE_GROUPS
    assert completed == expected, (
        f"{endpoint} over QUIC: a client offering only {group}: expected the handshake to "
        f"{'complete' if expected else 'be refused'}, it {'completed' if completed else 'was refused'}"
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
