"""website/priorities.py: the page that puts a browser's own priority signals to a server asks
for the scripts first (async: low priority), then the tiles, and the stylesheet last."""

import re

import website
from clients.links import linked_assets
from website import priorities


def test_the_scripts_come_first_async_and_the_stylesheet_last():
    stylesheet, *scripts = website.ASSETS
    tiles = list(website.TILE_ASSETS)
    page = priorities.page(stylesheet, scripts, tiles)
    order = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert order == [*scripts, *tiles[: priorities.TILES], stylesheet], f"asked in this order: {order}"
    assert page.count("<script async") == len(scripts), "a script that blocks the parser is asked at high priority"


def test_a_client_finds_every_asset_it_links():
    stylesheet, *scripts = website.ASSETS
    page = priorities.page(stylesheet, scripts, list(website.TILE_ASSETS))
    assert set(linked_assets(page.encode())) == {stylesheet, *scripts, *list(website.TILE_ASSETS)[: priorities.TILES]}
