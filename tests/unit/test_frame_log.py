"""How the lab's HTTP/2 client reads a frame log (clients/h2_order.py): responses in progress
at once, and the order of their first bytes."""

from clients.h2_order import DataFrame, FrameLog

PATHS = {1: "/a.css", 3: "/b.js", 5: "/c.js"}


def log_of(streams: list[int]) -> FrameLog:
    log = FrameLog(dict(PATHS))
    log.frames = [DataFrame(0.01 * n, stream, 16_384) for n, stream in enumerate(streams)]
    return log


def test_responses_sent_whole_one_after_another_are_one_in_progress():
    assert log_of([1, 1, 1, 3, 3, 5]).most_in_progress() == 1


def test_frames_of_three_streams_in_turn_are_three_in_progress():
    assert log_of([1, 3, 5, 1, 3, 5]).most_in_progress() == 3


def test_two_interleaved_then_a_third_alone_are_two():
    assert log_of([1, 3, 1, 3, 5, 5]).most_in_progress() == 2


def test_the_order_of_first_bytes_is_by_each_response_s_first_frame():
    assert log_of([3, 1, 3, 5, 1]).first_bytes_order() == ["/b.js", "/a.css", "/c.js"]
