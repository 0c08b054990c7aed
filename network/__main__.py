"""The command line: run the loop, or talk to the running one (see network/__init__.py)."""

import argparse
import os
import signal
import sys
import threading
from dataclasses import replace
from typing import NoReturn

from endpoints import NETWORK_STATUS_PORT
from network import memory, tun
from network.control import SOCKET_PATH, ControlServer, ask
from network.emulator import Emulator, forward
from network.profiles import PROFILES, Profile
from network.status import StatusServer

DEFAULT_PROFILE = "rtt50"
HELP_HINT = "python3 -m network set --help lists the profiles and options"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"network: {message} ({HELP_HINT})\n")


def run() -> NoReturn:
    name = os.environ.get("NETWORK_PROFILE") or DEFAULT_PROFILE
    if name not in PROFILES:
        sys.exit(f"network: NETWORK_PROFILE={name} is no profile; choose one of {', '.join(PROFILES)}")
    # As the container's pid 1, Python would ignore SIGTERM: docker stop would wait 10 s, then kill.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    kept, why = memory.recall(name)
    emulator = Emulator(kept or PROFILES[name])
    client_side, server_side = tun.attach(tun.CLIENT_SIDE), tun.attach(tun.SERVER_SIDE)
    for server in (ControlServer(emulator, started_as=name), StatusServer(emulator)):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    source = "the profile set live" if kept else "NETWORK_PROFILE"
    print(f"network: {emulator.profile.describe()} ({source}: {why})", flush=True)
    print(f"network: control on {SOCKET_PATH}, status on https://*:{NETWORK_STATUS_PORT}/profile", flush=True)
    forward(emulator, client_side, server_side)


def chosen_profile(arguments: argparse.Namespace) -> Profile:
    """A named profile, custom numbers (from loopback), or a named one with some numbers changed."""
    if arguments.profile and arguments.profile not in PROFILES:
        raise ValueError(f"no profile named {arguments.profile!r}; choose one of {', '.join(PROFILES)}")
    numbers = {
        field: value
        for field in ("rtt_ms", "down_mbit", "up_mbit", "loss_percent", "queue_packets")
        if (value := getattr(arguments, field)) is not None
    }
    if not arguments.profile and not numbers:
        raise ValueError("set what? name a profile or give numbers")
    base = PROFILES[arguments.profile or "loopback"]
    return replace(base, name="custom", **numbers) if numbers else base


def ask_running_loop(request: dict[str, object]) -> dict[str, object] | None:
    try:
        return ask(request)
    except OSError as error:
        print(f"network: no emulator answers on {SOCKET_PATH} ({error}): is the network service up?", file=sys.stderr)
        return None


def talk(request: dict[str, object]) -> int:
    reply = ask_running_loop(request)
    if reply is None:
        return 1
    if "error" in reply:
        print(f"network: {reply['error']} ({HELP_HINT})", file=sys.stderr)
        return 2
    print(reply["text"])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python3 -m network", description="The lab's far network: delay, rate and loss.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="the packet loop (the default; after network.plumbing, as 10001)")
    setter = commands.add_parser("set", help="change the profile in force, at once")
    setter.add_argument("profile", nargs="?", help=f"one of {', '.join(PROFILES)}")
    setter.add_argument("--rtt", dest="rtt_ms", type=float, metavar="MS", help="round trip added")
    setter.add_argument("--down", dest="down_mbit", type=float, metavar="MBIT", help="server → client, 0 unlimited")
    setter.add_argument("--up", dest="up_mbit", type=float, metavar="MBIT", help="client → server, 0 unlimited")
    setter.add_argument("--loss", dest="loss_percent", type=float, metavar="PERCENT", help="random, each way")
    setter.add_argument("--queue", dest="queue_packets", type=int, metavar="PACKETS", help="each way's rate queue")
    commands.add_parser("show", help="the profile in force and the counters")
    commands.add_parser("health", help="exit 0 when the loop answers on its socket")
    arguments = parser.parse_args(argv)

    if arguments.command == "set":
        try:
            profile = chosen_profile(arguments)
        except ValueError as error:
            parser.error(str(error))
        return talk({"set": profile.as_dict()})
    if arguments.command == "show":
        return talk({"show": True})
    if arguments.command == "health":
        reply = ask_running_loop({"show": True})
        return 0 if reply and "status" in reply else 1
    run()


if __name__ == "__main__":
    sys.exit(main())
