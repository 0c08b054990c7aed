"""Parity: every endpoint serves the same page and asset bytes at the same paths."""

import hashlib

from lab import ENDPOINTS
from served import site_bytes


def fingerprint(body: bytes) -> str:
    return f"{len(body)} bytes, sha256 {hashlib.sha256(body).hexdigest()[:12]}"


def test_same_html_and_assets_from_every_endpoint():
    reference, *others = ENDPOINTS
    expected = site_bytes(reference)
    assert len(expected) > 1, f"{reference}: the page links no assets"
    for endpoint in others:
        seen = site_bytes(endpoint)
        assert seen.keys() == expected.keys(), (
            f"{endpoint}: serves paths {sorted(seen)}, {reference} serves {sorted(expected)}"
        )
        for path, body in expected.items():
            assert seen[path] == body, f"{endpoint}{path}: {fingerprint(seen[path])}; {reference}: {fingerprint(body)}"
