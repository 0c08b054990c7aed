"""HTTP/3 on the wire for the probes: bench's QUIC client (aioquic), verified against the lab's CA.

    make h3 URL=https://localhost:8444/     what one GET over HTTP/3 brings back
"""

import asyncio
import sys
from urllib.parse import urlsplit

from aioquic.asyncio.client import connect
from aioquic.h3.connection import H3_ALPN
from aioquic.quic.configuration import QuicConfiguration

from bench.http3 import MAX_OPEN_STREAMS, TIMEOUT, H3Client, H3Response
from lab import CA_FILE


async def _get_all(host: str, port: int, paths: list[str]) -> dict[str, H3Response]:
    configuration = QuicConfiguration(is_client=True, alpn_protocols=H3_ALPN, cafile=str(CA_FILE))
    limit = asyncio.Semaphore(MAX_OPEN_STREAMS)

    async with connect(host, port, configuration=configuration, create_protocol=H3Client) as client:
        async def get(path: str) -> H3Response:
            async with limit:
                return await client.get(f"{host}:{port}", path)

        responses = await asyncio.gather(*(get(path) for path in paths))
    return dict(zip(paths, responses))


def h3_get_all(host: str, port: int, paths: list[str]) -> dict[str, H3Response]:
    """GET every path over one HTTP/3 connection to host's UDP port."""
    return asyncio.run(asyncio.wait_for(_get_all(host, port, paths), TIMEOUT * 2))


def main(url: str) -> None:
    parts = urlsplit(url)
    path = parts.path or "/"
    response = h3_get_all(parts.hostname, parts.port or 443, [path])[path]
    for status in response.informational:
        print(f"HTTP/3 {status} (informational)")
    print(f"HTTP/3 {response.status}")
    for name, value in response.headers:
        if not name.startswith(":"):
            print(f"{name}: {value}")
    print(f"\n[{len(response.body)} bytes of body]")


if __name__ == "__main__":
    main(sys.argv[1])
