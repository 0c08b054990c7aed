"""Make the site's generated files (run at image build):

python3 -m website.generate            endpoints.html, race.html, tiles.html, tiles/*.png, matrix.html,
                                       priorities.html
python3 -m website.generate --static DIR
    also copy every asset to DIR/<url path>, for a server that serves files
    itself (nginx's static upper bound in make bench)
"""

import shutil
import sys
from pathlib import Path

import website
from website import landing, matrix, priorities, race, tiles


def generate() -> None:
    (website.GENERATED / "tiles").mkdir(parents=True, exist_ok=True)
    website.PAGES["/endpoints"].write_text(landing.page())
    website.PAGES["/race"].write_text(race.page())
    website.PAGES["/matrix"].write_text(matrix.page(website.PUBLISHED_MATRIX.read_text()))
    for name, png in tiles.tiles().items():
        (website.GENERATED / "tiles" / name).write_bytes(png)
    url_of = {file.name: path for path, file in website.TILE_ASSETS.items()}
    website.PAGES["/tiles"].write_text(tiles.page(url_of))
    stylesheet, *scripts = website.ASSETS
    website.PAGES["/priorities"].write_text(priorities.page(stylesheet, scripts, list(website.TILE_ASSETS)))


def export_assets(root: Path) -> None:
    for path, file in (website.ASSETS | website.TILE_ASSETS).items():
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)


if __name__ == "__main__":
    generate()
    if sys.argv[1:2] == ["--static"]:
        export_assets(Path(sys.argv[2]))
