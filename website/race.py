"""The /race page: the tiles over HTTP/1.1 against the tiles over HTTP/2 (or HTTP/3),
side by side, across the lab's far network, for a presenter's projector.

Each lane loads the 120 tiles straight from a far port (port + 1000: every
packet crosses the network emulator), with a query string no cache has seen,
and shows its time when its last tile arrives. The page asks the emulator's
status port which network is in force. It leaves `window.race` for tests:
{lanes: [{port, ms, protocol}], profile, done}.
"""

import json

from endpoints import ENDPOINTS, HTTP11_BASELINE, NETWORK_STATUS_PORT, Endpoint
from website import tiles


def lane(endpoint: Endpoint) -> dict:
    """What the page needs to know of an endpoint it races."""
    return {
        "port": endpoint.port,
        "far_port": endpoint.far_port,
        "title": endpoint.title,
        "protocols": list(endpoint.protocols),
    }


def settings() -> dict:
    return {
        "baseline": lane(HTTP11_BASELINE),
        "contenders": [lane(endpoint) for endpoint in ENDPOINTS if endpoint.http2],
        "tiles": tiles.NAMES,
        "columns": tiles.COLUMNS,
        "tile_size": tiles.TILE_SIZE,
        "status_port": NETWORK_STATUS_PORT,
    }


def page() -> str:
    return TEMPLATE.replace("SETTINGS_JSON", json.dumps(settings()))


TEMPLATE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Race · h2lab</title>
  <style>
    body { margin: 1.5rem; font-family: system-ui, sans-serif; background: #111; color: #eee; }
    h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
    #network { color: #9cf; margin-bottom: 1rem; }
    #lanes { display: flex; gap: 2rem; flex-wrap: wrap; }
    .lane h2 { font-size: 1.2rem; margin: .2rem 0; }
    .lane .time { font-size: 2.4rem; font-variant-numeric: tabular-nums; min-height: 3rem; }
    .lane .protocol { color: #aaa; min-height: 1.2rem; }
    .grid { display: grid; background: #222; }
    .grid img { display: block; }
    button, select { font-size: 1rem; margin-right: .5rem; }
  </style>
</head>
<body>
  <h1>HTTP/1.1 against HTTP/2: the same 120 tiles, across the far network</h1>
  <div id="network">network: asking the emulator…</div>
  <p>
    <label>contender <select id="contender"></select></label>
    <button id="again">Race again</button>
  </p>
  <div id="lanes"></div>
  <script>
    const settings = SETTINGS_JSON;
    const host = location.hostname.includes(":") ? `[${location.hostname}]` : location.hostname;
    const race = window.race = { lanes: [], profile: null, done: false };
    const picker = document.getElementById("contender");
    const here = Number(location.port);
    for (const endpoint of settings.contenders) {
      picker.add(new Option(`${endpoint.far_port}: ${endpoint.title}`, endpoint.far_port, false,
                            endpoint.port === here || endpoint.far_port === here));
    }

    async function showNetwork() {
      const shown = document.getElementById("network");
      try {
        const reply = await fetch(`https://${host}:${settings.status_port}/profile`, { cache: "no-store" });
        const p = race.profile = await reply.json();
        const rate = (mbit) => mbit ? `${mbit} Mbit/s` : "unlimited";
        shown.textContent = `network in force: ${p.name} (RTT ${p.rtt_ms} ms, down ${rate(p.down_mbit)}, ` +
                            `up ${rate(p.up_mbit)}, loss ${p.loss_percent} %)`;
      } catch (error) {
        shown.textContent = `network: the emulator's status port ${settings.status_port} did not answer (${error})`;
      }
    }

    function protocolOf(url) {
      const entry = performance.getEntriesByName(url)[0];
      return entry && entry.nextHopProtocol ? entry.nextHopProtocol : "";
    }

    function runLane(endpoint, run) {
      const farPort = endpoint.far_port;
      const lane = document.createElement("div");
      lane.className = "lane";
      lane.innerHTML = `<h2></h2><div class="time">…</div><div class="protocol"></div><div class="grid"></div>`;
      lane.querySelector("h2").textContent = `${farPort}: ${endpoint.title}`;
      const grid = lane.querySelector(".grid");
      grid.style.gridTemplateColumns = `repeat(${settings.columns}, ${settings.tile_size}px)`;
      document.getElementById("lanes").append(lane);
      const result = { port: farPort, ms: null, protocol: "", failed: 0 };
      race.lanes.push(result);
      const started = performance.now();
      const urls = settings.tiles.map((name) => `https://${host}:${farPort}/static/tiles/${name}?race=${run}`);
      return Promise.all(urls.map((url) => new Promise((done) => {
        const image = new Image(settings.tile_size, settings.tile_size);
        image.onload = done;
        image.onerror = () => { result.failed += 1; done(); };
        image.src = url;
        grid.append(image);
      }))).then(() => {
        result.ms = Math.round(performance.now() - started);
        const protocols = [...new Set(urls.map(protocolOf).filter(Boolean))];
        result.protocol = protocols.join(", ");
        lane.querySelector(".time").textContent = result.failed
          ? `${result.failed} tiles failed` : `${result.ms} ms`;
        lane.querySelector(".protocol").textContent = result.protocol
          ? `over ${result.protocol}` : `(the browser did not say; the port offers ${endpoint.protocols.join(", ")})`;
      });
    }

    async function start() {
      race.lanes = [];
      race.done = false;
      document.getElementById("lanes").replaceChildren();
      const run = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const contender = settings.contenders.find((e) => e.far_port === Number(picker.value));
      try {
        await Promise.all([runLane(settings.baseline, run), runLane(contender, run)]);
      } finally {
        race.done = true;  // a test waits for this: it must come even when a lane went wrong
      }
    }

    document.getElementById("again").onclick = () => { showNetwork(); start(); };
    picker.onchange = start;
    showNetwork();
    start();
  </script>
</body>
</html>
"""
