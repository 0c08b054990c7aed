"""Chromium headless through the DevTools protocol: navigate, wait for what the page reports,
close. A browser started with --remote-debugging-port=0 writes the port it chose in its
profile (DevToolsActivePort); its NetLog (--log-net-log) names every host it resolved."""

import itertools
import json
import subprocess
import urllib.request
from pathlib import Path

from websockets.sync.client import connect

from browsers.headless import RACE_TIMEOUT_S, REPORT, host_of, port_written
from browsers.problems import Stop


class Page:
    """The first tab, over one DevTools WebSocket."""

    def __init__(self, port: int) -> None:
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
        self.socket = connect(next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page"), max_size=None)
        self.ids = itertools.count(1)

    def call(self, method: str, timeout: float = 30, **params) -> dict:
        sent = next(self.ids)
        self.socket.send(json.dumps({"id": sent, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=timeout))
            if message.get("id") == sent:
                if "error" in message:
                    raise Stop(f"DevTools {method} failed ({message['error'].get('message')})", "see the browser's log")
                return message["result"]


def run(command: list[str], env: dict, folder: Path, urls: list[str]) -> tuple[list[dict], set[str]]:
    """Start the browser, load each url in turn, return what each page reported and the hosts
    the browser looked up or reached."""
    (folder / "DevToolsActivePort").unlink(missing_ok=True)
    with (folder / "browser.log").open("w") as log:
        browser = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        page = Page(port_written(folder / "DevToolsActivePort", browser, "its DevTools port"))
        reported = [report_of(page, url) for url in urls]
        page.call("Browser.close")
        browser.wait(timeout=30)
    finally:
        if browser.poll() is None:
            browser.kill()
            browser.wait()
    return reported, resolved_hosts(folder / "netlog.json")


def report_of(page: Page, url: str) -> dict:
    loaded = page.call("Page.navigate", url=url)
    if loaded.get("errorText"):
        raise Stop(f"the browser could not load {url} ({loaded['errorText']})", "is the lab up? make up")
    evaluated = page.call(
        "Runtime.evaluate", timeout=RACE_TIMEOUT_S + 30,
        expression=f"({REPORT})()", awaitPromise=True, returnByValue=True,
    )  # fmt: skip
    if "exceptionDetails" in evaluated:
        raise Stop(f"the page threw {evaluated['exceptionDetails'].get('text')}", f"open {url} and see")
    return evaluated["result"]["value"]


def resolved_hosts(netlog: Path) -> set[str]:
    """Every host the browser asked its resolver for or connected to, from its NetLog: names
    and addresses of requests, TCP connection attempts, and UDP sockets that sent a datagram
    (Chromium connects some to learn a route, e.g. to a public address for IPv6, sending
    nothing). A name its resolver rules refuse is asked for as "~notfound": it never left."""
    log = json.loads(netlog.read_text())
    kinds = log["constants"]["logEventTypes"]
    events = log["events"]
    sent_datagrams = {event["source"]["id"] for event in events if event["type"] == kinds["UDP_BYTES_SENT"]}
    fields = {kinds["HOST_RESOLVER_MANAGER_REQUEST"]: "host", kinds["TCP_CONNECT_ATTEMPT"]: "address"}
    hosts = set()
    for event in events:
        params = event.get("params", {})
        if event["type"] in fields and fields[event["type"]] in params:
            hosts.add(host_of(params[fields[event["type"]]]))
        elif event["type"] == kinds["UDP_CONNECT"] and event["source"]["id"] in sent_datagrams:
            hosts.add(host_of(params.get("address", "")))
    return hosts - {"", "~notfound"}
