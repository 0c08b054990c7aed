"""Header blocks built to exhaust the server: a CONTINUATION flood that never ends, a huge
value, thousands of fields, and HPACK tricks (a decompression bomb, an oversized table)."""

import pytest
from hpack.hpack import encode_integer
from hyperframe.frame import ContinuationFrame

from abuse import AbusiveConnection, header_block_frames, http2_endpoints
from guard import guarded

WATCH_SECONDS = 5
FLOOD_FRAMES = 5000  # CONTINUATION frames of ~100 bytes each, none with END_HEADERS
FLOOD_FRAMES_PER_WRITE = 100
HUGE_VALUE = 1_000_000  # bytes in one header value
MANY_FIELDS = 10_000
BOMB_ENTRY = 4000  # bytes of the one entry put in the dynamic table (its default size is 4096)
BOMB_REFERENCES = 12_000  # one-byte references to it: ~48 MB once decoded
NEWEST_DYNAMIC_ENTRY = 0xBE  # indexed field, index 62
TABLE_SIZE_UPDATE_PREFIX = 0x20
TOO_BIG_TABLE = 2**20  # far above the 4096 the server announced


def refused_as(verdict, endpoint, attack: str) -> None:
    assert verdict.refused, (
        f"{endpoint}: expected {attack} refused (GOAWAY, RST_STREAM, 4xx/431 or close within {WATCH_SECONDS} s), saw {verdict}"
    )


@pytest.mark.parametrize("endpoint", http2_endpoints())
def test_continuation_flood(endpoint, observe):
    with guarded(endpoint), AbusiveConnection(endpoint) as attacker:
        attacker.send(attacker.headers_frame(1, attacker.encoder.encode(attacker.request_headers()), end_headers=False))
        for first in range(0, FLOOD_FRAMES, FLOOD_FRAMES_PER_WRITE):
            attacker.send(
                b"".join(
                    ContinuationFrame(
                        1, data=attacker.encoder.encode([(f"x-flood-{number}", "a" * 100)], huffman=False)
                    ).serialize()
                    for number in range(first, first + FLOOD_FRAMES_PER_WRITE)
                )
            )
        refused_as(
            observe(attacker.watch(WATCH_SECONDS)), endpoint, f"{FLOOD_FRAMES} CONTINUATION frames without END_HEADERS"
        )


@pytest.mark.parametrize("endpoint", http2_endpoints())
def test_huge_header_value(endpoint, observe):
    with guarded(endpoint), AbusiveConnection(endpoint) as attacker:
        headers = attacker.request_headers() + [("x-huge", "a" * HUGE_VALUE)]
        attacker.send(header_block_frames(1, attacker.encoder.encode(headers, huffman=False)))
        refused_as(observe(attacker.watch(WATCH_SECONDS)), endpoint, f"a {HUGE_VALUE}-byte header value")


@pytest.mark.parametrize("endpoint", http2_endpoints())
def test_many_header_fields(endpoint, observe):
    with guarded(endpoint), AbusiveConnection(endpoint) as attacker:
        headers = attacker.request_headers() + [(f"x-many-{number}", "v") for number in range(MANY_FIELDS)]
        attacker.send(header_block_frames(1, attacker.encoder.encode(headers, huffman=False)))
        refused_as(observe(attacker.watch(WATCH_SECONDS)), endpoint, f"{MANY_FIELDS} header fields")


@pytest.mark.parametrize("endpoint", http2_endpoints())
def test_hpack_bomb(endpoint, observe):
    """One big entry added to the dynamic table, then referenced with one byte, over and over."""
    with guarded(endpoint), AbusiveConnection(endpoint) as attacker:
        big_entry = b"\x40" + encode_integer(6, 7) + b"x-bomb" + encode_integer(BOMB_ENTRY, 7) + b"a" * BOMB_ENTRY
        block = (
            attacker.encoder.encode(attacker.request_headers())
            + big_entry
            + bytes([NEWEST_DYNAMIC_ENTRY]) * BOMB_REFERENCES
        )
        attacker.send(attacker.headers_frame(1, block))
        refused_as(
            observe(attacker.watch(WATCH_SECONDS)),
            endpoint,
            f"an HPACK bomb ({BOMB_REFERENCES} references to a {BOMB_ENTRY}-byte entry)",
        )


@pytest.mark.parametrize("endpoint", http2_endpoints())
def test_hpack_table_size_above_the_limit(endpoint, observe):
    with guarded(endpoint), AbusiveConnection(endpoint) as attacker:
        update = encode_integer(TOO_BIG_TABLE, 5)
        update[0] |= TABLE_SIZE_UPDATE_PREFIX
        attacker.send(attacker.headers_frame(1, bytes(update) + attacker.encoder.encode(attacker.request_headers())))
        verdict = observe(attacker.watch(WATCH_SECONDS))
        assert verdict.goaway in {"COMPRESSION_ERROR", "PROTOCOL_ERROR"}, (
            f"{endpoint}: expected a dynamic table size update to {TOO_BIG_TABLE} (above SETTINGS_HEADER_TABLE_SIZE) "
            f"to end the connection with GOAWAY COMPRESSION_ERROR, saw {verdict}"
        )
