"""The conformance probes' reading of their own bytes and of the server's answer
(tests/hardening/conformance.py): which requests a case leaves the server owing, whether a
PING may follow the case's bytes, and when the server has said all it will."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "hardening"))
from abuse import Verdict, raw_frame  # noqa: E402 (the hardening helpers are not a package)
from conformance import (  # noqa: E402
    CONTINUATION,
    DATA,
    END_HEADERS,
    END_STREAM,
    HEADERS,
    NO_FLAGS,
    SENTINEL,
    rst_stream,
    said_all,
    sent,
)

BLOCK = b"\x82\x87\x84"  # a header block's bytes: what they say does not matter here


def test_a_request_ended_is_owed_an_answer_and_a_ping_may_follow():
    case = sent(raw_frame(HEADERS, END_STREAM | END_HEADERS, 1, BLOCK))
    assert (case.answers_owed, case.ping_may_follow) == ({1}, True)


def test_a_request_left_open_or_reset_is_owed_nothing():
    left_open = raw_frame(HEADERS, END_HEADERS, 1, BLOCK)
    reset = raw_frame(HEADERS, END_STREAM | END_HEADERS, 3, BLOCK) + rst_stream(3)
    assert sent(left_open + reset).answers_owed == frozenset()


def test_data_ends_a_request_too():
    case = sent(raw_frame(HEADERS, END_HEADERS, 1, BLOCK) + raw_frame(DATA, END_STREAM, 1, b"body"))
    assert case.answers_owed == {1}


def test_no_ping_inside_an_open_header_block():
    opened = raw_frame(HEADERS, END_STREAM, 1, BLOCK)
    assert not sent(opened).ping_may_follow
    assert sent(opened + raw_frame(CONTINUATION, END_HEADERS, 1, BLOCK)).ping_may_follow


def test_no_ping_after_a_frame_cut_short():
    whole = raw_frame(DATA, NO_FLAGS, 1, b"0123456789")
    assert not sent(whole[:-3]).ping_may_follow


def test_a_goaway_is_the_servers_last_word():
    assert said_all(Verdict(goaways=["PROTOCOL_ERROR"]), sent(raw_frame(HEADERS, END_STREAM | END_HEADERS, 1, BLOCK)))


def test_the_ping_acknowledged_and_every_request_answered_is_all():
    case = sent(
        raw_frame(HEADERS, END_STREAM | END_HEADERS, 1, BLOCK) + raw_frame(HEADERS, END_STREAM | END_HEADERS, 3, BLOCK)
    )
    assert not said_all(Verdict(pongs={SENTINEL}, ended={1}), case), "stream 3 is still owed its answer"
    assert not said_all(Verdict(ended={1}, reset={3}), case), "the PING after the case is not acknowledged yet"
    assert said_all(Verdict(pongs={SENTINEL}, ended={1}, reset={3}), case)
