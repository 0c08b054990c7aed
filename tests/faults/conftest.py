"""The faults: containers stopped and restarted for real; make test runs these last."""

from lab import lab_is_up  # noqa: F401 (the stack must answer)
