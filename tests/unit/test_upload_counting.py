"""What every server's POST /upload answers (website/upload.py), and how the lab's upload
client reads a server's flow control from its WINDOW_UPDATEs (clients/upload.py)."""

import hashlib
import json

from clients.upload import FlowControl, WindowUpdate, body_of
from website import upload


def test_the_answer_is_the_length_and_digest_of_every_chunk_in_order():
    received = upload.Received()
    for chunk in (b"abc", b"", b"def"):
        assert received.add(chunk)
    assert json.loads(received.answer()) == {"length": 6, "sha256": hashlib.sha256(b"abcdef").hexdigest()}


def test_a_body_past_the_limit_says_stop_and_is_too_large():
    received = upload.Received()
    assert received.add(b"x" * upload.LIMIT)
    assert not received.too_large
    assert not received.add(b"x")
    assert received.too_large


def test_only_a_content_length_over_the_limit_is_declared_too_large():
    assert upload.declared_too_large(upload.LIMIT + 1)
    assert upload.declared_too_large(str(upload.LIMIT + 1))
    assert not upload.declared_too_large(str(upload.LIMIT))
    assert not upload.declared_too_large(None)
    assert not upload.declared_too_large("12, 12")  # malformed: the server's own parser decides


def test_the_client_body_is_the_same_every_time_and_of_the_size_asked():
    assert len(body_of(1_000_003)) == 1_000_003
    assert body_of(70_000) == body_of(70_000)
    assert len(set(body_of(65_536))) > 200, "expected most byte values in the body, not one repeated"


def test_a_first_connection_update_larger_than_what_was_sent_opened_the_window_ahead():
    flow = FlowControl(updates=[WindowUpdate(0.01, 0, 2_147_418_112, sent=16_384), WindowUpdate(0.05, 1, 65_536)])
    assert flow.connection_opened_by == 2_147_418_112
    summary = flow.summary()
    assert summary["stream_updates"] == 1 and summary["largest_stream_update"] == 65_536


def test_a_server_that_only_gives_back_what_it_read_opened_it_by_nothing():
    flow = FlowControl(updates=[WindowUpdate(0.1, 0, 32_768, sent=65_535), WindowUpdate(0.2, 0, 2**20, sent=2**21)])
    assert flow.connection_opened_by == 0
    assert FlowControl().connection_opened_by == 0
