"""The /race page in headless Chromium, across the far network, as a presenter would show it.

    python3 -m bench.race [PORT]     load https://localhost:PORT/race (default 9443), wait for
                                     the race to end, print window.race as JSON

`localhost` is mapped to the network emulator, so the page, its lanes and the
status port are all reached through the far network.
"""

import asyncio
import json
import socket
import sys

from playwright.async_api import async_playwright

from bench import far
from bench.browser import CHROMIUM, QUIET, spki_hash
from bench.run import SERVER_CERTIFICATE
from endpoints import NGINX_FLASK

RACE_TIMEOUT_MS = 120_000


async def race(port: int) -> dict:
    rules = f"MAP {far.SERVER_NAME} {socket.gethostbyname(far.EMULATOR)}"
    args = QUIET + [
        f"--ignore-certificate-errors-spki-list={spki_hash(SERVER_CERTIFICATE)}",
        f"--host-resolver-rules={rules}",
    ]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            page = await browser.new_page()
            await page.goto(f"https://{far.SERVER_NAME}:{port}/race", wait_until="load")
            await page.wait_for_function("window.race && window.race.done", timeout=RACE_TIMEOUT_MS)
            shown = await page.text_content("#network")
            return await page.evaluate("window.race") | {"network_shown": shown}
        finally:
            await browser.close()


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else NGINX_FLASK.far_port
    print(json.dumps(asyncio.run(race(port))))
