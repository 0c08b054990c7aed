"""The many-assets page: one picture cut into small PNG tiles, like the classic
HTTP/2 tile demos. Made at image build (python3 -m website.generate), the same
bytes in every image: the picture is computed, the PNG encoder deterministic.
"""

import struct
import zlib

COLUMNS, ROWS = 12, 10  # 120 tiles
TILE_SIZE = 40  # pixels; the picture is 480 × 400
NAMES = [f"r{row:02d}c{column:02d}.png" for row in range(ROWS) for column in range(COLUMNS)]


def _colour(x: float, y: float) -> tuple[int, int, int]:
    """A Mandelbrot set pixel, shaded by how fast the point escapes."""
    c, z = complex(x, y), 0j
    for step in range(48):
        z = z * z + c
        if abs(z) > 2:
            shade = step / 48
            return int(255 * shade), int(160 * shade**0.5), int(90 + 165 * (1 - shade))
    return 20, 20, 40


def picture() -> list[list[tuple[int, int, int]]]:
    width, height = COLUMNS * TILE_SIZE, ROWS * TILE_SIZE
    return [[_colour(-2.2 + 3.0 * i / width, -1.25 + 2.5 * j / height) for i in range(width)] for j in range(height)]


def png(pixels: list[list[tuple[int, int, int]]]) -> bytes:
    """An 8-bit RGB PNG of the rows of pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", len(pixels[0]), len(pixels), 8, 2, 0, 0, 0)
    scanlines = b"".join(b"\x00" + bytes(value for pixel in row for value in pixel) for row in pixels)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(scanlines, 9))
        + chunk(b"IEND", b"")
    )


def tiles() -> dict[str, bytes]:
    """Every tile's PNG bytes, by file name."""
    whole = picture()
    return {
        NAMES[row * COLUMNS + column]: png(
            [
                line[column * TILE_SIZE : (column + 1) * TILE_SIZE]
                for line in whole[row * TILE_SIZE : (row + 1) * TILE_SIZE]
            ]
        )
        for row in range(ROWS)
        for column in range(COLUMNS)
    }


def page(url_of: dict[str, str]) -> str:
    """The tiles page: every tile as an <img>, laid out as the picture."""
    images = "\n".join(
        f'    <img src="{url_of[name]}" width="{TILE_SIZE}" height="{TILE_SIZE}" alt="">' for name in NAMES
    )
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{len(NAMES)} tiles · h2lab</title>
  <style>
    body {{ margin: 2rem; font-family: sans-serif; }}
    .tiles {{ display: grid; grid-template-columns: repeat({COLUMNS}, {TILE_SIZE}px); }}
    .tiles img {{ display: block; }}
  </style>
</head>
<body>
  <h1>{len(NAMES)} tiles, one picture</h1>
  <div class="tiles">
{images}
  </div>
</body>
</html>
"""
