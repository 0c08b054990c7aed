"""The frame of the site's generated pages that look like the Jumbotron: Bootstrap's
stylesheet (the site's own copy), a title, and the body in a container."""


def bootstrap_page(title: str, body: str, *, container: str = "container", script: str = "") -> str:
    """A whole HTML page: `body` inside <main class="{container} py-4">, then `script` (its
    statements, if any) after it; the title with the lab's name."""
    script = f"  <script>\n{script}  </script>\n" if script else ""
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} · h2lab</title>
  <link rel="stylesheet" href="/static/css/bootstrap.min.css">
</head>
<body>
  <main class="{container} py-4">
{body}
  </main>
{script}</body>
</html>
"""
