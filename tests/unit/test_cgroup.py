"""measure/cgroup.py: a container's CPU and anonymous memory from its cgroup counters, v1 and v2."""

import pytest

from measure.cgroup import Usage, added, parse

# What measure.cgroup.READ prints, trimmed: cgroup v2 (cpu.stat, then memory.stat).
V2 = """usage_usec 51712714
user_usec 40000000
system_usec 11712714
nr_periods 0
anon 13344768
file 8867840
kernel 1048576
sock 0
"""
# cgroup v1 (Docker 20.10, cgroupfs): cpuacct.usage in nanoseconds, then memory.stat.
V1 = """usage_nsec 51712714847
cache 8867840
rss 13344768
rss_huge 0
hierarchical_memory_limit 9223372036854771712
total_cache 8867840
total_rss 13344768
"""


@pytest.mark.parametrize("text, cpu", [(V2, 51.712714), (V1, 51.712714847)], ids=["v2", "v1"])
def test_cpu_seconds_and_anonymous_bytes_from_either_version(text, cpu):
    usage = parse(text)
    assert usage == Usage(cpu, 13344768), f"expected {cpu} CPU seconds and 13344768 anon bytes, got {usage}"


def test_v1_takes_the_hierarchical_total_not_the_cgroups_own():
    usage = parse(V1.replace("total_rss 13344768", "total_rss 20000000"))
    assert usage.anon_bytes == 20000000, f"expected total_rss (20000000), got {usage.anon_bytes}"


@pytest.mark.parametrize(
    "text, missing",
    [
        (V2.replace("usage_usec", "used_usec"), "no CPU usage"),
        ("usage_nsec \n" + V1.split("\n", 1)[1], "no CPU usage"),  # cpuacct.usage could not be read
        (V2.replace("anon ", "anonymous "), "no anonymous memory"),
        ("", "no CPU usage"),
    ],
    ids=["v2-no-cpu", "v1-empty-cpu", "no-anon", "nothing"],
)
def test_a_missing_counter_raises_naming_it(text, missing):
    with pytest.raises(ValueError, match=missing):
        parse(text)


def test_added_sums_what_each_container_of_a_path_spent():
    before = [Usage(10.0, 100), Usage(5.0, 1000)]  # nginx, then flask_backend
    after = [Usage(12.5, 300), Usage(6.0, 900)]
    spent = added(before, after)
    assert spent == Usage(3.5, 100), f"expected 2.5 + 1.0 CPU s and 200 - 100 bytes, got {spent}"


def test_added_refuses_readings_of_different_containers():
    with pytest.raises(ValueError):
        added([Usage(1.0, 1)], [Usage(2.0, 2), Usage(3.0, 3)])
