"""The probes: the running stack, on the wire."""

from lab import pytest_sessionstart  # noqa: F401 (the stack must answer when a run starts)
