"""A real browser: headless Chromium (Debian's), driven by Playwright for Python.

Each load is a new browser context, so a cold one: new connections, empty
cache. It reports the load event from Navigation Timing and the protocol the
browser really used for the page and every resource (nextHopProtocol).
"""

import base64
import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from playwright.async_api import async_playwright

CHROMIUM = "/usr/bin/chromium"
QUIET = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMINGS = """() => {
  const navigation = performance.getEntriesByType("navigation")[0];
  return {
    load_ms: navigation.loadEventEnd,
    page_protocol: navigation.nextHopProtocol,
    resource_protocols: performance.getEntriesByType("resource").map(r => r.nextHopProtocol),
  };
}"""


def spki_hash(certificate_file: str) -> str:
    """The server key's SPKI hash: Chromium trusts exactly that key, nothing more."""
    certificate = x509.load_pem_x509_certificate(open(certificate_file, "rb").read())
    spki = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


RESOURCES = """() => performance.getEntriesByType("resource").map(r => ({
  path: new URL(r.name).pathname, start_ms: r.requestStart, end_ms: r.responseEnd,
  status: r.responseStatus, protocol: r.nextHopProtocol,
}))"""


async def load_times(
    url: str, runs: int, *, server_certificate: str, quic_origin: str | None = None, host_rules: str | None = None
) -> list[dict]:
    """Load url `runs` times, each cold; HTTP/3 only where quic_origin ("host:port") is given."""
    return await _cold_loads(url, runs, TIMINGS, server_certificate, quic_origin, host_rules)


async def resource_entries(
    url: str, runs: int, *, server_certificate: str, quic_origin: str | None = None, host_rules: str | None = None
) -> list[list[dict]]:
    """Each cold load's resources as Resource Timing saw them: path, when its request was sent
    and its response ended (ms since the navigation started), status and protocol."""
    return await _cold_loads(url, runs, RESOURCES, server_certificate, quic_origin, host_rules)


async def _cold_loads(
    url: str, runs: int, script: str, server_certificate: str, quic_origin: str | None, host_rules: str | None
) -> list:
    """`script` evaluated after each of `runs` loads, each in a new context (new connections, no cache)."""
    args = QUIET + [f"--ignore-certificate-errors-spki-list={spki_hash(server_certificate)}"]
    args += [f"--origin-to-force-quic-on={quic_origin}"] if quic_origin else ["--disable-quic"]
    args += [f"--host-resolver-rules={host_rules}"] if host_rules else []
    results = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            for _ in range(runs):
                context = await browser.new_context()
                page = await context.new_page()
                await page.goto(url, wait_until="load", timeout=60_000)
                results.append(await page.evaluate(script))
                await context.close()
        finally:
            await browser.close()
    return results
