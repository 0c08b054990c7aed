"""What a container has spent, from its own cgroup: CPU time and anonymous memory.

cgroup v2 (most machines today): cpu.stat's usage_usec and memory.stat's anon.
cgroup v1 (older engines): cpuacct.usage (nanoseconds) and memory.stat's total_rss.
Anonymous memory is what the server's processes allocated (heaps, stacks); the
page cache (the image's files) and the kernel's socket buffers are left out.
"""

from dataclasses import dataclass

# One command for both versions: it prints "name value" lines that parse() reads.
READ = (
    "cd /sys/fs/cgroup && if [ -f cpu.stat ]; then cat cpu.stat memory.stat; "
    "else echo usage_nsec $(cat cpuacct/cpuacct.usage); cat memory/memory.stat; fi"
)


@dataclass(frozen=True)
class Usage:
    cpu_seconds: float  # since the container started
    anon_bytes: int  # now


def parse(text: str) -> Usage:
    values = {}
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if value.strip().isdigit():
            values[name] = int(value)
    if "usage_usec" in values:
        cpu = values["usage_usec"] / 1e6
    elif "usage_nsec" in values:
        cpu = values["usage_nsec"] / 1e9
    else:
        raise ValueError(f"no CPU usage (usage_usec or cpuacct.usage) in the cgroup's counters:\n{text}")
    anon = values.get("anon", values.get("total_rss"))
    if anon is None:
        raise ValueError(f"no anonymous memory (anon or total_rss) in the cgroup's memory.stat:\n{text}")
    return Usage(cpu, anon)


def added(before: list[Usage], after: list[Usage]) -> Usage:
    """What a group of containers (nginx and Flask behind it: one path) spent between two readings."""
    return Usage(
        cpu_seconds=sum(a.cpu_seconds - b.cpu_seconds for b, a in zip(before, after, strict=True)),
        anon_bytes=sum(a.anon_bytes - b.anon_bytes for b, a in zip(before, after, strict=True)),
    )
