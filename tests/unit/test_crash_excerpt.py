"""The hardening checks' crash reading (tests/hardening/guard.py): a traceback is a crash,
except one that ends in a service's known upstream flaw, read from a real Uvicorn log."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "hardening"))
from guard import crash_excerpt  # noqa: E402 (the hardening helpers are not a package)

KNOWN = (Path(__file__).parent / "data" / "uvicorn_reset_stream.log").read_text()
OTHER = """ERROR:    Exception in ASGI application
Traceback (most recent call last):
  File "/app/app.py", line 41, in __call__
ZeroDivisionError: division by zero
"""


def test_a_known_upstream_flaw_alone_is_no_crash():
    assert crash_excerpt(KNOWN, "uvicorn_quart") == ""


def test_a_crash_after_the_known_flaw_is_found():
    excerpt = crash_excerpt(KNOWN + OTHER, "uvicorn_quart")
    assert excerpt.startswith("Traceback") and "ZeroDivisionError" in excerpt, excerpt


def test_a_crash_before_the_known_flaw_is_found():
    excerpt = crash_excerpt(OTHER + KNOWN, "uvicorn_quart")
    assert excerpt.startswith("Traceback") and "ZeroDivisionError" in excerpt, excerpt


def test_the_flaw_is_known_for_its_server_only():
    assert "Exception Group Traceback" in crash_excerpt(KNOWN, "quart_backend")
