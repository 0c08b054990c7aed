"""The site every endpoint serves: what its pages link, the tile PNGs, the /endpoints page."""

import html
import json
import re
import struct
import zlib

import pytest

import website
from clients.links import linked_assets
from endpoints import ENDPOINTS
from website import landing, tiles


def test_links_are_stylesheets_scripts_and_images_in_document_order():
    page = b"""<html><head>
      <link rel="stylesheet" href="/a.css">
      <script src="/b.js"></script>
    </head><body>
      <img src="/c.png" alt="">
      <link rel="stylesheet" href="/d.css">
      <script src="/e.js" defer></script>
    </body></html>"""
    seen = linked_assets(page)
    assert seen == ["/a.css", "/b.js", "/c.png", "/d.css", "/e.js"], (
        f"expected the five assets in page order, got {seen}"
    )


def test_links_leave_out_what_a_browser_does_not_load_as_a_page_asset():
    page = b"""<html><head>
      <link rel="preload" href="/preloaded.js" as="script">
      <link rel="icon" href="/favicon.ico">
      <link rel="stylesheet" href="/only.css">
      <script>console.log("inline")</script>
    </head><body>
      <a href="/elsewhere.html">a link</a>
      <img alt="no source">
      <!-- <script src="/commented.js"></script> -->
    </body></html>"""
    seen = linked_assets(page)
    assert seen == ["/only.css"], f"expected only the stylesheet, got {seen}"


def test_index_html_links_exactly_the_site_assets_in_their_order():
    seen = linked_assets(website.PAGES["/"].read_bytes())
    assert seen == list(website.ASSETS), f"expected index.html to link {list(website.ASSETS)}, got {seen}"


def png_chunks(data: bytes) -> list[tuple[bytes, bytes, bool]]:
    """(kind, data, CRC correct) for each chunk after the signature."""
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        chunks.append((kind, body, crc == zlib.crc32(kind + body)))
        offset += 12 + length
    return chunks


def decoded(data: bytes) -> list[list[tuple[int, int, int]]]:
    """The pixels of an 8-bit RGB PNG whose scanlines are all unfiltered."""
    chunks = {kind: body for kind, body, _ in png_chunks(data)}
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    raw = zlib.decompress(chunks[b"IDAT"])
    lines = [raw[y * (1 + 3 * width) : (y + 1) * (1 + 3 * width)] for y in range(height)]
    assert all(line[0] == 0 for line in lines), "expected filter type 0 on every scanline"
    return [[tuple(line[1 + 3 * x : 4 + 3 * x]) for x in range(width)] for line in lines]


PIXELS = [[(255, 0, 0), (0, 255, 0), (0, 0, 255)], [(1, 2, 3), (250, 251, 252), (0, 0, 0)]]  # 3 wide, 2 high


def test_png_is_a_well_formed_rgb_png():
    data = tiles.png(PIXELS)
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"expected the PNG signature, got {data[:8]!r}"
    chunks = png_chunks(data)
    kinds = [kind for kind, _, _ in chunks]
    assert kinds == [b"IHDR", b"IDAT", b"IEND"], f"expected IHDR, IDAT, IEND, got {kinds}"
    bad_crc = [kind for kind, _, crc_ok in chunks if not crc_ok]
    assert not bad_crc, f"expected a correct CRC on every chunk, wrong on {bad_crc}"
    header = struct.unpack(">IIBBBBB", chunks[0][1])
    assert header == (3, 2, 8, 2, 0, 0, 0), f"expected 3 × 2, 8-bit RGB, no interlace; IHDR says {header}"


def test_png_holds_the_pixels_it_was_given():
    seen = decoded(tiles.png(PIXELS))
    assert seen == PIXELS, f"expected the pixels back, got {seen}"


def test_tiles_cut_the_picture_into_tiles_of_tile_size(monkeypatch):
    columns, rows, size = 3, 2, 4  # a small picture: the real one takes most of a second
    monkeypatch.setattr(tiles, "COLUMNS", columns)
    monkeypatch.setattr(tiles, "ROWS", rows)
    monkeypatch.setattr(tiles, "TILE_SIZE", size)
    monkeypatch.setattr(tiles, "NAMES", [f"r{r:02d}c{c:02d}.png" for r in range(rows) for c in range(columns)])
    whole, made = tiles.picture(), tiles.tiles()
    assert list(made) == tiles.NAMES, f"expected a tile per name, got {list(made)}"
    bottom_right = [line[2 * size : 3 * size] for line in whole[size : 2 * size]]
    seen = decoded(made["r01c02.png"])
    assert seen == bottom_right, f"expected r01c02 to be the picture's bottom-right {size} × {size}, got {seen}"


def test_tile_names_are_one_per_place_in_the_grid():
    assert len(set(tiles.NAMES)) == tiles.COLUMNS * tiles.ROWS == len(tiles.NAMES), (
        f"expected {tiles.COLUMNS * tiles.ROWS} unique names, got {len(set(tiles.NAMES))} of {len(tiles.NAMES)}"
    )
    assert tiles.NAMES[tiles.COLUMNS] == "r01c00.png", (
        f"expected row-major names, got {tiles.NAMES[: tiles.COLUMNS + 1]}"
    )


def test_tiles_page_has_one_image_per_tile_at_the_given_url():
    url_of = {name: f"/somewhere/{index}/{name}" for index, name in enumerate(tiles.NAMES)}
    page = tiles.page(url_of)
    seen = linked_assets(page.encode())
    assert seen == [url_of[name] for name in tiles.NAMES], f"expected an <img> per tile in order, got {seen[:3]}…"
    sizes = set(re.findall(r'<img [^>]*width="(\d+)" height="(\d+)"', page))
    expected = {(str(tiles.TILE_SIZE), str(tiles.TILE_SIZE))}
    assert sizes == expected, f"expected every image {tiles.TILE_SIZE} × {tiles.TILE_SIZE}, got {sizes}"


def test_landing_page_links_every_published_endpoint_by_port():
    linked = {int(port) for port in re.findall(r'data-port="(\d+)"', landing.page())}
    near = {e.port for e in ENDPOINTS}
    published = near | {e.far_port for e in ENDPOINTS}
    assert near <= linked, f"expected a data-port link to each of {sorted(near)}, missing {sorted(near - linked)}"
    assert linked <= published, f"expected links to published ports only, also saw {sorted(linked - published)}"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: str(e.port))
def test_landing_page_row_says_what_each_endpoint_is(endpoint):
    row = next(line for line in landing.page().splitlines() if f'data-port="{endpoint.port}"' in line)
    for cell in (html.escape(endpoint.title), ", ".join(endpoint.protocols), ", ".join(endpoint.extras)):
        assert f"<td>{cell}</td>" in row, f"expected <td>{cell}</td> in the {endpoint.port} row, got {row}"


def test_landing_page_links_only_assets_the_site_serves():
    seen = linked_assets(landing.page().encode())
    unserved = [path for path in seen if website.file_for(path) is None]
    assert seen and not unserved, (
        f"expected every asset the landing page links to be served, not {unserved} (of {seen})"
    )


def test_the_race_page_knows_what_it_shows_of_every_lane():
    from website import race

    lanes = [race.settings()["baseline"], *race.settings()["contenders"]]
    incomplete = [
        lane for lane in lanes if set(lane) != {"port", "far_port", "title", "protocols"} or not lane["protocols"]
    ]
    assert not incomplete, f"/race: expected port, far port, title and protocols for every lane, saw {incomplete}"
    assert json.loads(race.page().split("const settings = ")[1].split(";\n")[0]) == race.settings()


@pytest.mark.parametrize(
    "host, expected",
    [
        ("localhost:8444", 'h3=":8444"; ma=86400'),
        ("localhost:9444", 'h3=":9444"; ma=86400'),
        ("laptop.local:8454", 'h3=":8454"; ma=86400'),
        ("localhost", None),
        ("127.0.0.1:9444", None),
        ("[::1]:8444", None),
        (":8444", None),
    ],
)
def test_alt_svc_names_the_port_reached_and_only_to_names(host, expected):
    seen = website.alt_svc(host)
    assert seen == expected, f"a request to {host}: expected Alt-Svc {expected!r}, saw {seen!r}"
