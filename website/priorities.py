"""The /priorities page: what a browser's own priority signals do to a server, read from
Resource Timing (make bench, bench/browser_priorities.py).

The two scripts are asked for first, async (a browser sends them at low priority), then 60
tiles (low), and last the stylesheet (the highest): a server that honours the browser's
signals (RFC 9218's priority header, RFC 7540's PRIORITY information, or over HTTP/3 the
header) sends the stylesheet before the scripts' 174 KB, one that ignores them after.
"""

import html

TILES = 60


def page(stylesheet: str, scripts: list[str], tiles: list[str]) -> str:
    head = "\n".join(f'  <script async src="{html.escape(path)}"></script>' for path in scripts)
    images = "\n".join(f'  <img src="{html.escape(path)}" width="40" height="40" alt="">' for path in tiles[:TILES])
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Priorities · h2lab</title>
{head}
</head>
<body>
  <p>The scripts asked first at low priority, then {TILES} tiles, then the stylesheet at the
    highest: when did each arrive? (make bench reads it from Resource Timing.)</p>
{images}
  <link rel="stylesheet" href="{html.escape(stylesheet)}">
</body>
</html>
"""
