"""The lab's endpoints: one table for the landing page, `make endpoints` and the probes.

    python3 -m website.endpoints           the table, for a terminal
"""

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    port: int  # the same on the host and on the compose network
    service: str  # the compose service that answers
    title: str
    protocols: tuple[str, ...]  # ALPN names, in the server's order of preference
    extras: tuple[str, ...] = ()  # "push", "early-hints", "alt-svc"

    @property
    def pushes(self) -> bool:
        return "push" in self.extras

    @property
    def early_hints(self) -> bool:
        return "early-hints" in self.extras

    @property
    def http3(self) -> bool:
        return "h3" in self.protocols

    @property
    def tcp_protocols(self) -> tuple[str, ...]:
        return tuple(protocol for protocol in self.protocols if protocol != "h3")


NGINX_FLASK = Endpoint(8443, "nginx", "nginx → Gunicorn/Flask (HTTP/1.1 upstream)", ("h2", "http/1.1", "h3"), ("alt-svc",))
HYPERCORN_QUART = Endpoint(8444, "quart_backend", "Hypercorn → Quart", ("h2", "http/1.1", "h3"), ("push", "early-hints", "alt-svc"))
GUNICORN_H2 = Endpoint(8445, "gunicorn_h2", "Gunicorn's own HTTP/2 → Flask", ("h2", "http/1.1"), ("early-hints",))
TWISTED = Endpoint(8446, "twisted_backend", "Twisted (the 2017 article's second way)", ("h2", "http/1.1"))
HTTP11_BASELINE = Endpoint(8447, "nginx", "HTTP/1.1 baseline: nginx → Gunicorn/Flask", ("http/1.1",))

ENDPOINTS = (NGINX_FLASK, HYPERCORN_QUART, GUNICORN_H2, TWISTED, HTTP11_BASELINE)


def table() -> str:
    rows = [("port", "what", "protocols", "extras")]
    rows += [(str(e.port), e.title, ", ".join(e.protocols), ", ".join(e.extras)) for e in ENDPOINTS]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows)


def landing_page() -> str:
    """The /endpoints page; links follow the host the page was loaded from."""
    rows = "\n".join(
        f'      <tr><td><a class="endpoint" data-port="{e.port}" href="https://localhost:{e.port}/">{e.port}</a></td>'
        f"<td>{html.escape(e.title)}</td><td>{', '.join(e.protocols)}</td><td>{', '.join(e.extras)}</td></tr>"
        for e in ENDPOINTS
    )
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Endpoints · h2lab</title>
  <link rel="stylesheet" href="/static/css/bootstrap.min.css">
</head>
<body>
  <main class="container py-4">
    <h1 class="display-6">h2lab endpoints</h1>
    <p>The same page, served every practical way from Python. Open each and compare
      the Protocol column of your browser's network panel.</p>
    <table class="table">
      <thead><tr><th>port</th><th>what</th><th>protocols</th><th>extras</th></tr></thead>
      <tbody>
{rows}
      </tbody>
    </table>
  </main>
  <script>
    for (const link of document.querySelectorAll("a.endpoint")) {{
      link.href = `https://${{location.hostname}}:${{link.dataset.port}}/`;
    }}
  </script>
</body>
</html>
"""


if __name__ == "__main__":
    print(table())
