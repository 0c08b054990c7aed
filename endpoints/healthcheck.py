"""Container healthcheck: exit 0 when GET <url> answers 200, else say why.

    python3 -m endpoints.healthcheck https://localhost:8444/healthz

HTTPS is verified against the lab's CA, mounted at /run/certs/ca.crt.
"""

import ssl
import sys
import urllib.request

CA_FILE = "/run/certs/ca.crt"


def main(url: str) -> int:
    context = ssl.create_default_context(cafile=CA_FILE) if url.startswith("https:") else None
    try:
        with urllib.request.urlopen(url, context=context, timeout=3) as response:
            return 0 if response.status == 200 else 1
    except OSError as error:
        print(f"{url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
