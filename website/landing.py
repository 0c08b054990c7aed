"""The /endpoints landing page, made from the lab's one endpoint table."""

import html

from endpoints import ENDPOINTS
from website.bootstrap_page import bootstrap_page


def page() -> str:
    """The /endpoints page; links follow the host the page was loaded from."""
    rows = "\n".join(
        f'      <tr><td><a class="endpoint" data-port="{e.port}" href="https://localhost:{e.port}/">{e.port}</a></td>'
        f'<td><a class="endpoint" data-port="{e.far_port}" href="https://localhost:{e.far_port}/">{e.far_port}</a></td>'
        f"<td>{html.escape(e.title)}</td><td>{', '.join(e.protocols)}</td><td>{', '.join(e.extras)}</td></tr>"
        for e in ENDPOINTS
    )
    body = f"""    <h1 class="display-6">h2lab endpoints</h1>
    <p>The same page, served every practical way from Python. Open each and compare
      the Protocol column of your browser's network panel. The far port of each
      endpoint is the same server across the lab's emulated network (RTT, rate,
      loss: <code>make network</code>); <a href="/race">/race</a> puts HTTP/1.1
      and HTTP/2 side by side across it; <a href="/matrix">/matrix</a> sets every endpoint
      against every feature, as last measured and published.</p>
    <table class="table">
      <thead><tr><th>port</th><th>far</th><th>what</th><th>protocols</th><th>extras</th></tr></thead>
      <tbody>
{rows}
      </tbody>
    </table>"""
    links_follow_the_host = """    for (const link of document.querySelectorAll("a.endpoint")) {
      link.href = `https://${location.hostname}:${link.dataset.port}/`;
    }
"""
    return bootstrap_page("Endpoints", body, script=links_follow_the_host)
