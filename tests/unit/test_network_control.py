"""The far network's profiles and control socket, with no TUN and no Docker."""

import threading
from argparse import Namespace
from collections.abc import Iterator
from pathlib import Path

import pytest

from network import memory
from network.__main__ import chosen_profile, main
from network.control import ControlServer, ask
from network.emulator import Emulator
from network.profiles import PROFILES, Profile


def test_profiles_split_the_round_trip_and_keep_each_way_its_rate() -> None:
    slow4g = PROFILES["slow4g"]
    assert slow4g.uplink().delay_s == slow4g.downlink().delay_s == 0.075
    assert (slow4g.uplink().rate_mbit, slow4g.downlink().rate_mbit) == (0.75, 1.6)


def test_custom_numbers_start_from_loopback_or_from_the_profile_named() -> None:
    numbers = dict.fromkeys(("rtt_ms", "down_mbit", "up_mbit", "loss_percent", "queue_packets"))
    assert chosen_profile(Namespace(profile=None, **numbers | {"rtt_ms": 80})) == Profile("custom", rtt_ms=80)
    lossy_slow4g = chosen_profile(Namespace(profile="slow4g", **numbers | {"loss_percent": 1}))
    assert lossy_slow4g == Profile("custom", rtt_ms=150, down_mbit=1.6, up_mbit=0.75, loss_percent=1)


@pytest.mark.parametrize("numbers", [{"rtt_ms": -1}, {"down_mbit": -5}, {"loss_percent": 101}, {"queue_packets": 0}])
def test_impossible_numbers_are_refused(numbers: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Profile("custom", **numbers)


@pytest.fixture
def control_socket(tmp_path: Path) -> Iterator[str]:
    path = str(tmp_path / "control.sock")
    server = ControlServer(Emulator(PROFILES["rtt50"]), path, started_as="rtt50", memory_path=tmp_path / "profile.json")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield path
    server.shutdown()
    server.server_close()


def test_set_changes_both_links_at_once(control_socket: str) -> None:
    reply = ask({"set": PROFILES["cable"].as_dict()}, control_socket)
    assert reply["status"]["name"] == "cable"
    assert reply["status"]["counters"]["down"] == {"packets": 0, "bytes": 0, "dropped_loss": 0, "dropped_queue": 0}
    assert ask({"show": True}, control_socket)["status"]["down_mbit"] == 5


def test_the_socket_refuses_a_bad_profile_and_keeps_the_old_one(control_socket: str) -> None:
    assert "loss_percent" in ask({"set": {"name": "x", "loss_percent": -2}}, control_socket)["error"]
    assert ask({"show": True}, control_socket)["status"]["name"] == "rtt50"


def test_a_profile_set_live_is_kept_for_a_restart_under_the_same_starting_profile(
    control_socket: str, tmp_path: Path
) -> None:
    slow_and_lossy = Profile("custom", rtt_ms=150, down_mbit=1.6, up_mbit=0.75, loss_percent=1)
    ask({"set": slow_and_lossy.as_dict()}, control_socket)
    assert memory.recall("rtt50", tmp_path / "profile.json")[0] == slow_and_lossy
    kept_under_another, why = memory.recall("slow4g", tmp_path / "profile.json")
    assert kept_under_another is None and "NETWORK_PROFILE=rtt50, not slow4g" in why


def test_a_refused_profile_is_not_kept(control_socket: str, tmp_path: Path) -> None:
    ask({"set": {"name": "x", "loss_percent": -2}}, control_socket)
    assert memory.recall("rtt50", tmp_path / "profile.json") == (None, "none set live before")


@pytest.mark.parametrize("kept", ["{not json", '{"started_as": "rtt50", "profile": {"rtt_ms": 5}}'])
def test_what_cannot_be_read_back_is_ignored_and_said(kept: str, tmp_path: Path) -> None:
    (tmp_path / "profile.json").write_text(kept)
    profile, why = memory.recall("rtt50", tmp_path / "profile.json")
    assert profile is None and "ignored" in why


def exit_status(arguments: list[str]) -> int:
    try:
        return main(arguments)
    except SystemExit as exit:
        return exit.code


@pytest.mark.parametrize(
    ("arguments", "status", "says"),
    [
        (["set", "dialup"], 2, "no profile named 'dialup'"),
        (["set", "--rtt", "-3"], 2, "rtt_ms must be 0 or more"),
        (["set", "--loss", "two"], 2, "invalid float value: 'two'"),
        (["set"], 2, "name a profile or give numbers"),
        (["show"], 1, "no emulator answers"),
        (["health"], 1, "no emulator answers"),
    ],
)
def test_the_command_line_says_what_is_wrong_in_one_line(
    arguments: list[str], status: int, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert exit_status(arguments) == status
    error = capsys.readouterr().err
    assert says in error and error.count("\n") == 1, error
