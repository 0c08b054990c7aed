"""tests/quic_abuse.py reads connection IDs from QUIC long headers (RFC 9000 17.2), so that the
anti-amplification count takes only what a server sends to the client that asked."""

from quic_abuse import destination_connection_id, source_connection_id

INITIAL = bytes([0xC3]) + b"\x00\x00\x00\x01" + bytes([8]) + b"D" * 8 + bytes([4]) + b"SSSS" + b"\x00" * 20


def test_an_initials_source_connection_id_is_read_past_its_destination_id():
    assert source_connection_id(INITIAL) == b"SSSS"


def test_an_answer_is_told_by_its_destination_connection_id():
    answer = bytes([0xC0]) + b"\x00\x00\x00\x01" + bytes([4]) + b"SSSS" + bytes([8]) + b"N" * 8 + b"\x00" * 30
    assert destination_connection_id(answer) == b"SSSS"


def test_a_short_header_packet_is_no_answer_to_an_initial():
    assert destination_connection_id(bytes([0x40]) + b"x" * 56) is None
