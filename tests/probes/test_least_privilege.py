"""Least privilege, as Docker runs the servers: no root, nothing to gain, keys kept close."""

import functools
import io
import json
import os
import posixpath
import socket
import subprocess
import tarfile

import pytest

from lab import ROOT
from stack import SERVER_USER, inspect, run_in, servers

SERVERS = servers()
TLS_SERVERS = [service for service in SERVERS if service != "flask_backend"]


@pytest.mark.parametrize("service", SERVERS)
def test_runs_as_non_root_with_no_capabilities_on_a_read_only_root(service):
    config = inspect(service)
    seen = {
        "user": config["Config"]["User"],
        "read-only root": config["HostConfig"]["ReadonlyRootfs"],
        "dropped": config["HostConfig"]["CapDrop"],
        "added": config["HostConfig"]["CapAdd"],
        "no-new-privileges": "no-new-privileges:true" in (config["HostConfig"]["SecurityOpt"] or []),
    }
    expected = {
        "user": SERVER_USER,
        "read-only root": True,
        "dropped": ["ALL"],
        "added": None,
        "no-new-privileges": True,
    }
    assert seen == expected, f"{service}: expected {expected}, saw {seen}"


# What Docker starts a `docker exec` or a healthcheck with: runc's init, root for the instant
# before it becomes the command as the container's user. Seen here while another exec ran.
RUNTIME_INIT = "runc:"


@pytest.mark.parametrize("service", SERVERS)
def test_every_process_runs_as_the_server_user(service):
    listed = run_in(
        service, "grep -H -e '^Name:' -e '^Uid:' /proc/[0-9]*/status"
    ).stdout  # "/proc/7/status:Uid:\t10001 ..."
    processes: dict[str, dict[str, str]] = {}
    for line in listed.splitlines():
        status, field, value = line.split(":", 2)
        processes.setdefault(status, {})[field] = value.split()[0]
    real_uids = {found["Uid"] for found in processes.values() if not found["Name"].startswith(RUNTIME_INIT)}
    assert real_uids == {"10001"}, (
        f"{service}: expected every process to run as uid 10001, saw uids {real_uids} in {processes}"
    )


@pytest.mark.parametrize("service", SERVERS)
def test_root_filesystem_refuses_writes(service):
    attempt = run_in(service, "touch /etc/h2lab-write-test")
    assert attempt.returncode != 0 and "Read-only file system" in attempt.stderr, (
        f"{service}: expected writing /etc to fail on a read-only root, saw rc {attempt.returncode}: {attempt.stderr.strip()}"
    )


@pytest.mark.parametrize("service", TLS_SERVERS)
def test_private_key_is_the_server_users_alone_and_read_only(service):
    owner_and_mode = run_in(service, "stat -c '%u %a' /run/certs/server.key").stdout.strip()
    write = run_in(service, "touch /run/certs/h2lab-write-test")
    seen = {"owner mode": owner_and_mode, "writable": write.returncode == 0}
    expected = {"owner mode": "10001 400", "writable": False}
    assert seen == expected, f"{service}: expected /run/certs/server.key {expected}, saw {seen}"


def test_flask_backend_is_not_published_to_the_host():
    published = inspect("flask_backend")["NetworkSettings"]["Ports"]
    bound = {port: bindings for port, bindings in published.items() if bindings}
    assert bound == {}, f"flask_backend: expected no port published to the host, saw {bound}"
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", 8000), timeout=3).close()


@pytest.mark.parametrize("service", SERVERS)
def test_published_ports_bind_to_loopback_unless_told_otherwise(service):
    """TCP on LAB_BIND (127.0.0.1); UDP (HTTP/3) there and on LAB_BIND6 (::1) too."""
    ipv4 = os.environ.get("LAB_BIND", "127.0.0.1")  # LAB_BIND opens them to a workshop room
    ipv6 = os.environ.get("LAB_BIND6", "::" if ipv4 == "0.0.0.0" else "::1")
    published = inspect(service)["NetworkSettings"]["Ports"]
    seen = {
        (port.split("/")[1], binding["HostIp"]) for port, bindings in published.items() for binding in bindings or []
    }
    expected = {("tcp", ipv4), ("udp", ipv4), ("udp", ipv6)}
    assert seen <= expected, f"{service}: expected TCP bound to {ipv4} only, UDP to {ipv4} and {ipv6}, saw {seen}"


def _key_fingerprints() -> dict[str, bytes]:
    """A line of each private key's base64 body: what would betray a copy of it."""
    keys = {}
    for name in ("server.key", "ca.key"):
        lines = (ROOT / "certs" / name).read_bytes().splitlines()
        keys[name] = max(lines, key=len)
    return keys


def _images() -> dict[str, list[str]]:
    """Each server image, with the services that run it (flask_backend, gunicorn_h2 and granian_flask share one)."""
    images: dict[str, list[str]] = {}
    for service in SERVERS:
        images.setdefault(inspect(service)["Config"]["Image"], []).append(service)
    return images


CHUNK = 1 << 20


def _holds_any(stream, needles: list[bytes]) -> bool:
    """Whether the byte stream holds one of the needles: chunks searched with an overlap, so
    that a needle across two chunks is found too. A layer is an uncompressed tar, where a file
    is its bytes as they are."""
    overlap, tail = max(map(len, needles)) - 1, b""
    while chunk := stream.read(CHUNK):
        window = tail + chunk
        if any(needle in window for needle in needles):
            return True
        tail = window[-overlap:]
    return False


@functools.cache
def _images_holding_a_key() -> dict[str, list[str]]:
    """Each server image, and the parts of it (its layers, its config) that hold a private key:
    every image saved at once, each part searched. One `docker save` of them all writes a layer
    that several images share once: half the bytes of saving each (860 MB, not 1.7 GB), and a
    part of Docker's CPU that the probes beside it get. A part no image names (the archive's
    index) counts for every image."""
    images, needles = _images(), list(_key_fingerprints().values())
    holding, links, manifest = set(), {}, []
    with subprocess.Popen(["docker", "save", *images], stdout=subprocess.PIPE) as save:
        with tarfile.open(fileobj=save.stdout, mode="r|") as archive:
            for member in archive:
                if member.issym():  # a layer saved once, linked from each other image that has it
                    links[member.name] = posixpath.normpath(
                        posixpath.join(posixpath.dirname(member.name), member.linkname)
                    )
                elif member.isfile() and member.name == "manifest.json":
                    manifest = json.loads(archive.extractfile(member).read())
                elif member.isfile() and _holds_any(archive.extractfile(member), needles):
                    holding.add(member.name)
    holding |= {link for link, target in links.items() if target in holding}
    parts = {
        tag.removesuffix(":latest"): [entry["Config"], *entry["Layers"]]
        for entry in manifest
        for tag in entry["RepoTags"]
    }
    unnamed = holding - {part for image_parts in parts.values() for part in image_parts}
    return {image: [part for part in parts.get(image, []) if part in holding] + sorted(unnamed) for image in images}


def _files_holding(image: str, needles: tuple[tuple[str, bytes], ...]) -> list[str]:
    """What in the saved image holds one of the needles, by name: each file of a layer, or a
    part that is no layer (the image's config)."""
    found = []
    with subprocess.Popen(["docker", "save", image], stdout=subprocess.PIPE) as save:
        with tarfile.open(fileobj=save.stdout, mode="r|") as archive:
            for member in archive:
                content = archive.extractfile(member).read() if member.isfile() else b""
                if not any(needle in content for _, needle in needles):
                    continue
                try:
                    with tarfile.open(fileobj=io.BytesIO(content)) as layer:
                        files = [(entry.name, layer.extractfile(entry).read()) for entry in layer if entry.isfile()]
                except tarfile.ReadError:
                    files = [("", content)]
                found += [
                    f"{member.name}:{name} holds {key}" if name else f"{member.name} holds {key}"
                    for name, data in files
                    for key, needle in needles
                    if needle in data
                ]
    return found


# In one worker: it saves every image at once, for all of them.
@pytest.mark.xdist_group("image layers")
@pytest.mark.parametrize(
    ("image", "services"), [pytest.param(image, services, id=image) for image, services in _images().items()]
)
def test_private_keys_are_in_no_image_layer(image, services):
    held = _images_holding_a_key()[image]
    found = (_files_holding(image, tuple(_key_fingerprints().items())) or held) if held else []  # named, if any
    assert found == [], (
        f"{image} (run by {', '.join(services)}): expected the lab's private keys in no layer, found {found}"
    )


def test_the_network_emulator_holds_only_what_its_set_up_needs():
    config = inspect("network")
    seen = {
        "added": sorted(config["HostConfig"]["CapAdd"] or []),
        "dropped": config["HostConfig"]["CapDrop"],
        "read-only root": config["HostConfig"]["ReadonlyRootfs"],
        "no-new-privileges": "no-new-privileges:true" in (config["HostConfig"]["SecurityOpt"] or []),
    }
    expected = {
        "added": ["NET_ADMIN", "SETGID", "SETUID"],
        "dropped": ["ALL"],
        "read-only root": True,
        "no-new-privileges": True,
    }
    assert seen == expected, f"network: expected {expected}, saw {seen}"


def test_the_network_emulators_packet_loop_runs_as_the_server_user_with_no_capabilities():
    status = run_in("network", "awk '/^(Uid|CapEff|CapPrm):/ {print $1, $2}' /proc/1/status").stdout.split()
    seen = dict(zip(status[::2], status[1::2], strict=True)) if status else {}
    expected = {"Uid:": "10001", "CapPrm:": "0000000000000000", "CapEff:": "0000000000000000"}
    assert seen == expected, f"network: expected the loop (pid 1) as {expected}, saw {seen}"
