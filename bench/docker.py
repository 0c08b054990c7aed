"""The docker CLI as bench/scale.py uses it on the host: the stack's containers, their
cgroup counters, and one long-lived bench container that runs every load."""

import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from measure import cgroup


def run(*command: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def compose(*arguments: str) -> str:
    return run("docker", "compose", *arguments)


def container_name(service: str) -> str:
    """The running container of a compose service (of any profile), by its name: a name
    outlives a `docker compose up` that recreates the container, an id does not."""
    found = compose("--profile", "*", "ps", "--format", "{{.Name}}", service).split()
    if len(found) != 1:
        raise RuntimeError(f"expected one running container of {service}, found {len(found)}: is the lab up?")
    return found[0]


def usage(containers: list[str]) -> list[cgroup.Usage]:
    """Each container's counters, read at the same moment (one docker exec each, in parallel)."""
    with ThreadPoolExecutor(max_workers=len(containers)) as pool:
        texts = pool.map(lambda name: run("docker", "exec", name, "sh", "-c", cgroup.READ), containers)
        return [cgroup.parse(text) for text in texts]


class BenchContainer:
    """The bench image, started once for the whole scale run: every h2load and idle client runs in it."""

    def __init__(self, container: str) -> None:
        self.container = container

    def popen(self, *command: str, stdin: bool = False) -> subprocess.Popen:
        """A command in the container whose output is read line by line as it comes."""
        return subprocess.Popen(
            ["docker", "exec", *(["-i"] if stdin else []), self.container, *command],
            stdin=subprocess.PIPE if stdin else None,
            stdout=subprocess.PIPE,
            text=True,
        )


@contextmanager
def bench_container() -> Iterator[BenchContainer]:
    """Started on the compose network, with the results folder mounted; removed afterwards, by its id."""
    run_bench = ["--profile", "bench", "run", "--detach", "--rm", "--no-deps", "bench"]
    container = compose(*run_bench, "sleep", "infinity").strip()
    try:
        yield BenchContainer(container)
    finally:
        run("docker", "rm", "--force", container)
