"""The faults: containers stopped and restarted for real; make test runs these last."""

from lab import pytest_sessionstart  # noqa: F401 (the stack must answer when a run starts)
