"""What stops make browser, make trust or make untrust: one line, what is wrong and what to do."""


class Stop(Exception):
    """A problem the person can fix; nothing has been half-done when it is raised."""

    def __init__(self, problem: str, remedy: str) -> None:
        super().__init__(f"{problem}: {remedy}")
