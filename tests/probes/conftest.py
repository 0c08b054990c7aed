"""The probes: the running stack, on the wire."""

from lab import lab_is_up  # noqa: F401 (the stack must answer)
