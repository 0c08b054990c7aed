"""What a page links, read the way a browser reads it: stylesheets, scripts, images."""

from html.parser import HTMLParser


class _AssetLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "link" and attributes.get("rel") == "stylesheet" and attributes.get("href"):
            self.paths.append(attributes["href"])
        elif tag in ("script", "img") and attributes.get("src"):
            self.paths.append(attributes["src"])


def linked_assets(html: bytes) -> list[str]:
    """The stylesheet, script and image paths an HTML page links, in document order."""
    parser = _AssetLinks()
    parser.feed(html.decode("utf-8"))
    return parser.paths
