"""The far network: calibration of the emulator against physics, the far ports, the race page.

These change the far network while they run (and put it back), so they run on
their own, one at a time (make network-test, part of make test).
"""

from lab import pytest_sessionstart  # noqa: F401 (the stack must answer when a run starts)
