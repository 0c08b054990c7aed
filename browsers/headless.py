"""make browser HEADLESS=1: the same profile and command line, no window; what each page
reported, as a line of JSON. On /race, the race once it is done; on any other page, its
navigation and resources (the protocol of each). Beside it, every host the browser reached:
a lab profile reaches only the lab."""

import json
import subprocess
import time
from pathlib import Path

from browsers.problems import Stop

RACE_TIMEOUT_S = 150
START_TIMEOUT_S = 60  # a browser's first start in a new profile, on a loaded machine  # the slowest profile (slow4g) runs three lanes of 120 tiles each

# An async function: waits for the page's load, then for the race where there is one.
REPORT = """async () => {
  const pause = (ms) => new Promise((done) => setTimeout(done, ms));
  const until = Date.now() + RACE_TIMEOUT_MS;
  while (document.readyState !== "complete") await pause(50);
  if (window.race) {
    while (!window.race.done && Date.now() < until) await pause(100);
    return { race: window.race };
  }
  const navigation = performance.getEntriesByType("navigation")[0];
  return { page: {
    url: location.href, protocol: navigation.nextHopProtocol, load_ms: navigation.loadEventEnd,
    resources: performance.getEntriesByType("resource").map((r) => ({ url: r.name, protocol: r.nextHopProtocol })),
  } };
}""".replace("RACE_TIMEOUT_MS", str(RACE_TIMEOUT_S * 1000))


def host_of(name: str) -> str:
    """The host a resolver was asked for: 'https://localhost:8443' and '_8443._https.localhost'
    (an HTTPS record's name) both mean localhost."""
    host = name.split("://", 1)[-1].split("/", 1)[0]
    if host.startswith("["):
        return host[1 : host.index("]")]
    host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    labels = host.split(".")
    while len(labels) > 2 and labels[0].startswith("_"):
        labels = labels[1:]
    return ".".join(labels)


def report(browser: str, version: str, folder: str, urls: list[str], reported: list[dict], hosts: set[str]) -> str:
    """A JSON line for each page, in the order loaded; the hosts are the whole session's."""
    known = {"browser": browser, "version": version, "profile": folder, "hosts": sorted(hosts)}
    return "\n".join(json.dumps(known | {"url": url} | page) for url, page in zip(urls, reported, strict=True))


def port_written(file: Path, browser: subprocess.Popen, what: str) -> int:
    """The port a browser started with port 0 chose, once it writes it in its profile
    (Chromium's DevToolsActivePort, Firefox's MarionetteActivePort: the number comes first)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if browser.poll() is not None:
            raise Stop(f"the browser exited at start (code {browser.returncode})", f"see {file.parent / 'browser.log'}")
        if file.exists() and (words := file.read_text().split()):
            return int(words[0])
        time.sleep(0.05)
    raise Stop(f"the browser did not open {what} within {START_TIMEOUT_S} s", f"see {file.parent / 'browser.log'}")
