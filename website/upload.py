"""POST /upload, as every server of the lab answers it: the body is read as it arrives and
dropped, and the answer is its length and SHA-256. Nothing is stored. A body larger than
LIMIT gets 413; a server that can, says so before reading it (a Content-Length over the
limit), or as soon as the count passes it.

    received = Received()
    for chunk in body: received.add(chunk)     # False once over LIMIT: stop reading
    answer = received.answer()                 # b'{"length": ..., "sha256": "..."}'
"""

import hashlib
import json

PATH = "/upload"
LIMIT = 64 * 2**20  # bytes: a larger body gets 413 Content Too Large
MEDIA_TYPE = "application/json"
TOO_LARGE = f"a body of {LIMIT} bytes at most\n"


def declared_too_large(content_length: str | int | None) -> bool:
    """Whether a request's Content-Length (absent: None) already says the body is over LIMIT."""
    return content_length is not None and str(content_length).isdigit() and int(content_length) > LIMIT


class Received:
    """The body seen so far: its length and digest."""

    def __init__(self) -> None:
        self.length = 0
        self.digest = hashlib.sha256()

    def add(self, chunk: bytes) -> bool:
        """Count and hash a chunk; False once the body is over LIMIT (then stop reading it)."""
        self.length += len(chunk)
        if self.length > LIMIT:
            return False
        self.digest.update(chunk)
        return True

    @property
    def too_large(self) -> bool:
        return self.length > LIMIT

    def answer(self) -> bytes:
        return json.dumps({"length": self.length, "sha256": self.digest.hexdigest()}).encode() + b"\n"
