"""TLS: old protocol versions are refused; the certificate names what clients dial."""

import ssl
import warnings

import pytest

from lab import ENDPOINTS
from wire import open_tls, tls_context

by_name = {"ids": lambda endpoint: endpoint.name}
# Failures that happen in this client before the server has a say.
LOCAL_FAILURES = {"NO_CIPHERS_AVAILABLE", "NO_PROTOCOLS_AVAILABLE", "UNSUPPORTED_PROTOCOL"}


def pinned_version(version: ssl.TLSVersion) -> ssl.SSLContext:
    """A client that offers exactly one TLS version (legacy ones allowed locally)."""
    context = tls_context()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = context.maximum_version = version
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    return context


@pytest.mark.parametrize("endpoint", ENDPOINTS, **by_name)
def test_tls_1_1_handshake_is_refused(endpoint):
    try:
        with open_tls(endpoint, pinned_version(ssl.TLSVersion.TLSv1_1)) as tls:
            pytest.fail(f"{endpoint}: expected the TLS 1.1 handshake refused, it completed as {tls.version()}")
    except ssl.SSLError as refused:
        assert refused.reason not in LOCAL_FAILURES, f"this client could not offer TLS 1.1 at all: {refused}"
    except ConnectionResetError:
        pass


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3], ids=lambda v: v.name)
@pytest.mark.parametrize("endpoint", ENDPOINTS, **by_name)
def test_tls_1_2_and_1_3_handshakes_complete(endpoint, version):
    with open_tls(endpoint, pinned_version(version)) as tls:
        assert tls.version() == version.name.replace("_", "."), (
            f"{endpoint}: offered only {version.name}, negotiated {tls.version()}"
        )


@pytest.mark.parametrize("name", ["localhost", "127.0.0.1"])
@pytest.mark.parametrize("endpoint", ENDPOINTS, **by_name)
def test_certificate_verifies_for(endpoint, name):
    with open_tls(endpoint, tls_context(), server_name=name) as tls:
        names = [value for _kind, value in tls.getpeercert()["subjectAltName"]]
    assert name in names, f"{endpoint}: expected {name} among the certificate's SAN, saw {names}"
