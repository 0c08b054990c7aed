"""python3 -m browsers open|trust|untrust (make browser, make trust, make untrust)."""

import argparse
import sys
from pathlib import Path

from browsers import profiles
from browsers.problems import Stop


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python3 -m browsers", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    opening = commands.add_parser("open", help="make browser: the lab in your browser, with a profile of its own")
    opening.add_argument("--browser", help="chromium, chrome or firefox (default: the first installed)")
    opening.add_argument(
        "--url", nargs="+", default=[profiles.DEFAULT_URL], help=f"one or more (default: {profiles.DEFAULT_URL})"
    )
    opening.add_argument("--headless", action="store_true", help="no window: print what the page reported, as JSON")
    opening.add_argument("--profile-dir", type=Path, help="where the lab's profile is (default: the cache folder)")
    opening.add_argument("--certs", type=Path, default=None, help="the folder of ca.crt and server.crt (certs/)")
    trusting = commands.add_parser("trust", help="make trust: the lab's CA in this machine's trust stores")
    trusting.add_argument("--no-system", action="store_true", help="the browsers' stores only (make trust SYSTEM=0)")
    trusting.add_argument("--certs", type=Path, default=None, help="the folder of ca.crt and ca.key (certs/)")
    commands.add_parser("untrust", help="make untrust: remove exactly what make trust added")
    return parser.parse_args()


def main() -> int:
    options = arguments()
    target = {"open": "make browser", "trust": "make trust", "untrust": "make untrust"}[options.command]
    try:
        if options.command == "open":
            from browsers import launch

            certs = options.certs or launch.CERTS
            print(launch.open_browser(options.browser, options.url, options.headless, options.profile_dir, certs))
        else:
            from browsers import trust

            if options.command == "trust":
                print(trust.trust(system=not options.no_system, certs=options.certs or trust.CERTS))
            else:
                print(trust.untrust())
    except Stop as problem:
        print(f"{target}: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
