"""Firefox set up for the lab: its CA in the lab profile's own NSS database, HTTP/3 allowed
with that root, and no traffic to anywhere but the lab.

Firefox turns HTTP/3 off for the whole session once it finds a root it does not ship
(network.http.http3.disable_when_third_party_roots_found): the lab profile says no to that.
It learns HTTP/3 from Alt-Svc, as it would from any site.
"""

import re
import subprocess
from pathlib import Path

from browsers import nss
from browsers.headless import RACE_TIMEOUT_S, REPORT, host_of, port_written
from browsers.installed import Browser

RESOLVING = re.compile(r"Resolving host \[([^\]\n]+)\]")

# user.js: read at every start, so these hold whatever the person changed in the session.
PREFERENCES = {
    # HTTP/3 with the lab's root
    "network.http.http3.enable": True,
    "network.http.http3.disable_when_third_party_roots_found": False,
    # no first-run pages, prompts or tours
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "startup.homepage_welcome_url": "",
    "startup.homepage_welcome_url.additional": "",
    "browser.aboutwelcome.enabled": False,
    "datareporting.policy.firstRunURL": "",
    "datareporting.policy.dataSubmissionPolicyBypassNotification": True,
    "browser.startup.page": 0,
    "browser.startup.homepage": "about:blank",
    "browser.newtabpage.enabled": False,
    "browser.tabs.warnOnClose": False,
    # nothing sent to anyone but the lab: telemetry, studies, updates, remote settings,
    # safe browsing, captive-portal and connectivity checks, DNS over HTTPS, top sites,
    # speculative connections, push, geolocation, OCSP and CRLite, add-on and plugin updates
    "datareporting.healthreport.uploadEnabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.usage.uploadEnabled": False,
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.server": "",
    "app.normandy.enabled": False,
    "app.shield.optoutstudies.enabled": False,
    "app.update.auto": False,
    "app.update.enabled": False,
    "services.settings.server": "data:,#remote-settings-off/v1",
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "browser.safebrowsing.blockedURIs.enabled": False,
    "browser.safebrowsing.provider.mozilla.updateURL": "",
    "browser.safebrowsing.provider.google4.updateURL": "",
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "captivedetect.canonicalURL": "",
    "network.trr.mode": 5,
    "browser.topsites.contile.enabled": False,
    "browser.newtabpage.activity-stream.default.sites": "",
    "browser.newtabpage.activity-stream.feeds.topsites": False,
    "browser.newtabpage.activity-stream.feeds.system.topstories": False,
    "browser.newtabpage.activity-stream.feeds.telemetry": False,
    "browser.newtabpage.activity-stream.telemetry": False,
    "browser.urlbar.speculativeConnect.enabled": False,
    "browser.places.speculativeConnect.enabled": False,
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
    "network.predictor.enabled": False,
    "dom.push.connection.enabled": False,
    "geo.provider.network.url": "",
    "browser.region.network.url": "",
    "browser.region.update.enabled": False,
    "browser.search.update": False,
    "security.OCSP.enabled": 0,
    "security.remote_settings.crlite_filters.enabled": False,
    "security.remote_settings.intermediates.enabled": False,
    "extensions.update.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "extensions.systemAddon.update.enabled": False,
    "extensions.blocklist.enabled": False,
    "media.gmp-manager.url": "",
    "media.gmp-provider.enabled": False,  # plugin downloads: OpenH264, and Widevine from update.googleapis.com
    "media.gmp-gmpopenh264.enabled": False,
    "media.gmp-widevinecdm.enabled": False,
    "media.gmp-widevinecdm.allow-chromium-update": False,
    "media.gmp-manager.chromium-update-url": "",
    "media.eme.enabled": False,
    "identity.fxaccounts.enabled": False,
    "extensions.pocket.enabled": False,
    "browser.translations.enable": False,
    "browser.discovery.enabled": False,
}


def user_js(preferences: dict) -> str:
    def value(v) -> str:
        return ("true" if v else "false") if isinstance(v, bool) else f'"{v}"' if isinstance(v, str) else str(v)

    lines = ["// Written by make browser for the lab's profile (browsers/firefox.py); made again at every start."]
    return "\n".join([*lines, *(f'user_pref("{name}", {value(v)});' for name, v in preferences.items())]) + "\n"


def prepare(browser: Browser, folder: Path, ca_file: Path, server_certificate: Path) -> tuple[list[str], dict]:
    """The lab's CA in the profile's own certificate database, and its preferences."""
    nss.trust_ca(folder, ca_file)
    (folder / "user.js").write_text(user_js(PREFERENCES))
    # Release builds ignore services.settings.server (remote settings: a fetch from Mozilla at
    # every start) unless this is set; with it, the preference above holds.
    return [], {"MOZ_REMOTE_SETTINGS_DEVTOOLS": "1"}


def http3_note() -> str:
    return "HTTP/3 learnt from Alt-Svc, and kept with the lab's root"


def command(browser: Browser, folder: Path, urls: list[str], trust_arguments: list[str], headless: bool) -> list[str]:
    arguments = [str(browser.executable), "--no-remote", "--profile", str(folder)]
    if headless:
        arguments += ["--headless", "--marionette", "-remote-allow-system-access"]
    return [*arguments, *trust_arguments, *(urls if not headless else ["about:blank"])]


def run(command: list[str], env: dict, folder: Path, urls: list[str]) -> tuple[list[dict], set[str]]:
    """Start Firefox headless with Marionette, load each url in turn, return what each page
    reported and the hosts Firefox resolved (its own resolver's log)."""
    from marionette_driver.marionette import Marionette

    (folder / "MarionetteActivePort").unlink(missing_ok=True)
    (folder / "user.js").write_text(user_js(PREFERENCES | {"marionette.port": 0}))
    for old in folder.glob("resolver.log*"):
        old.unlink()
    logged = {"MOZ_LOG": "nsHostResolver:5", "MOZ_LOG_FILE": str(folder / "resolver.log")}
    with (folder / "browser.log").open("w") as log:
        browser = subprocess.Popen(command, env=env | logged, stdout=log, stderr=subprocess.STDOUT)
    try:
        driver = Marionette(host="127.0.0.1", port=port_written(folder / "MarionetteActivePort", browser, "Marionette"))
        driver.start_session()
        driver.timeout.page_load = 60
        driver.timeout.script = RACE_TIMEOUT_S + 30
        reported = []
        for url in urls:
            driver.navigate(url)
            reported.append(driver.execute_async_script(
                f"const done = arguments[arguments.length - 1]; ({REPORT})().then(done);", sandbox=None
            ))  # fmt: skip
        driver.delete_session()
    finally:
        browser.terminate()
        try:
            browser.wait(timeout=30)
        except subprocess.TimeoutExpired:
            browser.kill()
            browser.wait()
        (folder / "user.js").write_text(user_js(PREFERENCES))
    return reported, resolved_hosts(folder)


def resolved_hosts(folder: Path) -> set[str]:
    """Every host Firefox's resolver was asked for, from its log (one file per process; a line
    cut short when Firefox stopped is left out)."""
    hosts = set()
    for log in folder.glob("resolver.log*"):
        hosts |= {host_of(name) for name in RESOLVING.findall(log.read_text(errors="replace"))}
    return hosts
