"""The profile in force, kept on the control volume: a restart of the loop (a crash, a docker
restart) comes back to the profile that was set live, not silently to the starting one.

What is kept names the NETWORK_PROFILE it was set under: started with another one (make up with
a new NETWORK_PROFILE), the network takes that instead. make down removes the volume, and with it
what was kept.
"""

import json
import os
from pathlib import Path

from network.profiles import Profile

PATH = Path("/run/network/profile.json")  # beside the control socket, on its volume


def remember(profile: Profile, started_as: str, path: Path = PATH) -> None:
    """Keep `profile`, whole or not at all (written beside, then renamed over the old one)."""
    written = path.with_suffix(".new")
    written.write_text(json.dumps({"started_as": started_as, "profile": profile.as_dict()}))
    os.replace(written, path)


def recall(started_as: str, path: Path = PATH) -> tuple[Profile | None, str]:
    """The profile last set live under the starting profile `started_as`, or None; and why."""
    try:
        kept = json.loads(path.read_text())
    except FileNotFoundError:
        return None, "none set live before"
    except (OSError, ValueError) as error:
        return None, f"{path} unreadable ({error}): ignored"
    if kept.get("started_as") != started_as:
        return None, f"the one kept was set under NETWORK_PROFILE={kept.get('started_as')}, not {started_as}"
    try:
        return Profile(**kept["profile"]), f"kept in {path}"
    except (KeyError, TypeError, ValueError) as error:
        return None, f"{path} holds no profile ({error}): ignored"
