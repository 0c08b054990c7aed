"""The HTTP/3 conformance probes' pure parts (tests/hardening/h3_abuse.py): QUIC varints and
HTTP/3 frames built byte by byte, error codes read to their names, and the rule's outcome
from what the server did."""

import sys
from pathlib import Path

import pytest
from aioquic.h3.connection import ErrorCode

sys.path.insert(0, str(Path(__file__).parent.parent / "hardening"))
from h3_abuse import (  # noqa: E402 (the hardening helpers are not a package)
    GOAWAY,
    LET_THROUGH,
    MET,
    REFUSED_OTHERWISE,
    SETTINGS,
    Verdict,
    connection_error,
    error_name,
    frame,
    ignored,
    malformed,
    read_varint,
    reserved,
    settings,
    settings_pairs,
    split_frames,
    varint,
)

FRAME_UNEXPECTED = connection_error("RFC 9114 7.2.4", ErrorCode.H3_FRAME_UNEXPECTED)
MESSAGE_ERROR = malformed("4.3.1")
IGNORED = ignored("RFC 9114 6.2.3")


@pytest.mark.parametrize(
    "value, encoded",
    # RFC 9000 Appendix A.1's examples, and each length's largest value
    [
        (37, "25"),
        (63, "3f"),
        (15293, "7bbd"),
        (16383, "7fff"),
        (494878333, "9d7f3e7d"),
        (151288809941952652, "c2197c5eff14e88c"),
    ],
)
def test_varints_as_rfc_9000_writes_them(value, encoded):
    assert varint(value).hex() == encoded
    assert read_varint(bytes.fromhex(encoded), 0) == (value, len(encoded) // 2)


def test_a_varint_cut_short_is_not_read():
    assert read_varint(bytes.fromhex("9d7f3e"), 0) is None
    assert read_varint(b"", 0) is None
    with pytest.raises(ValueError):
        varint(2**62)


def test_frames_are_type_length_payload():
    assert frame(GOAWAY, varint(4)) == b"\x07\x01\x04"
    assert settings() == b"\x04\x00"
    assert settings((0x1, 4096), (0x6, 16384)) == b"\x04\x08\x01\x50\x00\x06\x80\x00\x40\x00"
    assert frame(reserved(1), b"") == b"\x40\x40\x00", "0x40, a reserved type, takes two bytes as a varint"


def test_reserved_types_are_0x1f_n_plus_0x21():
    assert [reserved(n) for n in range(3)] == [0x21, 0x40, 0x5F]


def test_whole_frames_are_split_off_and_the_rest_kept():
    two_and_a_half = settings((0x1, 0)) + frame(GOAWAY, varint(0)) + frame(SETTINGS, b"abc")[:-1]
    frames, rest = split_frames(two_and_a_half)
    assert frames == [(SETTINGS, b"\x01\x00"), (GOAWAY, b"\x00")]
    assert rest == b"\x04\x03ab"


def test_settings_are_read_to_pairs():
    assert settings_pairs(settings((0x1, 4096), (reserved(5), 7))[2:]) == {0x1: 4096, reserved(5): 7}


@pytest.mark.parametrize(
    "code, transport, name",
    [
        (0x105, False, "H3_FRAME_UNEXPECTED"),
        (0x10E, False, "H3_MESSAGE_ERROR"),
        (0x200, False, "QPACK_DECOMPRESSION_FAILED"),
        (0x7E, False, "0x7e"),  # a reserved code (0x1f * 3 + 0x21)
        (0xA, True, "transport PROTOCOL_VIOLATION"),
    ],
)
def test_error_codes_by_name(code, transport, name):
    assert error_name(code, transport=transport) == name


def test_a_connection_error_is_met_by_its_close_only():
    assert FRAME_UNEXPECTED.outcome(Verdict(close="H3_FRAME_UNEXPECTED")) == MET
    assert FRAME_UNEXPECTED.outcome(Verdict(close="H3_SETTINGS_ERROR")) == REFUSED_OTHERWISE
    reset_instead = Verdict(resets={0: "H3_FRAME_UNEXPECTED"}, requested={0})
    assert FRAME_UNEXPECTED.outcome(reset_instead) == REFUSED_OTHERWISE, "a stream error is not the connection error"
    assert FRAME_UNEXPECTED.outcome(Verdict(statuses={0: 200}, requested={0})) == LET_THROUGH


def test_a_stream_error_is_met_by_a_reset_a_stop_sending_or_a_close():
    for verdict in (
        Verdict(resets={0: "H3_MESSAGE_ERROR"}),
        Verdict(stop_sendings={0: "H3_MESSAGE_ERROR"}),
        Verdict(statuses={0: 400}, resets={0: "H3_MESSAGE_ERROR"}),  # a response first is allowed
        Verdict(close="H3_MESSAGE_ERROR"),
    ):
        assert MESSAGE_ERROR.outcome(verdict) == MET, verdict


def test_a_400_or_413_refuses_a_malformed_request_another_way():
    assert MESSAGE_ERROR.outcome(Verdict(statuses={0: 400}, ended={0})) == REFUSED_OTHERWISE
    assert MESSAGE_ERROR.outcome(Verdict(statuses={0: 413}, ended={0})) == REFUSED_OTHERWISE
    assert MESSAGE_ERROR.outcome(Verdict(statuses={0: 200}, ended={0})) == LET_THROUGH
    assert MESSAGE_ERROR.outcome(Verdict(stop_sendings={0: "H3_NO_ERROR"}, statuses={0: 200})) == LET_THROUGH


def test_ignored_means_every_request_answered_200_and_nothing_refused():
    assert IGNORED.outcome(Verdict(statuses={0: 200, 4: 200}, requested={0, 4})) == MET
    assert IGNORED.outcome(Verdict(statuses={0: 200}, requested={0, 4})) == LET_THROUGH, "stream 4 is unanswered"
    stopped_reading_it = Verdict(statuses={0: 200}, requested={0}, stop_sendings={6: "H3_STREAM_CREATION_ERROR"})
    assert IGNORED.outcome(stopped_reading_it) == MET, "RFC 9114 6.2 lets it stop reading an unknown stream"
    assert IGNORED.outcome(Verdict(close="H3_STREAM_CREATION_ERROR", requested={0})) == REFUSED_OTHERWISE


def test_the_server_has_said_all_when_it_closed_or_ended_or_reset_every_request():
    assert Verdict(close="H3_NO_ERROR", requested={0, 4}).said_all
    assert not Verdict(requested={0, 4}, ended={4}).said_all, "stream 0 is still owed its answer"
    assert Verdict(requested={0, 4}, ended={4}, resets={0: "H3_MESSAGE_ERROR"}).said_all


def test_a_verdict_reads_stream_by_stream():
    verdict = Verdict(
        close="H3_FRAME_UNEXPECTED",
        reason="DATA frame is not allowed in this state",
        resets={0: "H3_MESSAGE_ERROR"},
        statuses={4: 200},
        ended={4},
        requested={0, 4},
    )
    assert str(verdict) == (
        "CONNECTION_CLOSE H3_FRAME_UNEXPECTED ('DATA frame is not allowed in this state'), "
        "stream 0: RESET_STREAM H3_MESSAGE_ERROR, stream 4: :status 200 ended"
    )
    assert str(Verdict(requested={0})) == "stream 0: no answer, connection still open"
