"""What `make up` ends with: every service, its state, the ports it publishes, and
its image's size above the base every image starts from.

    python3 tools/lab_status.py

Standard library only: the host may have just python3.
"""

import json
import subprocess
import sys
from collections import defaultdict

BASE_IMAGE = "debian:trixie-slim"
MB = 1_000_000


def docker(*args: str) -> str:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=True, timeout=60).stdout


def parse_ps(output: str) -> list[dict]:
    """`docker compose ps --format json`: a JSON array, or one object a line (older Compose)."""
    output = output.strip()
    if output.startswith("["):
        return json.loads(output)
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def published(publishers: list[dict]) -> str:
    """'127.0.0.1: 8443 tcp+udp, 8447 tcp' from compose's Publishers."""
    by_address: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for entry in publishers or []:
        if entry.get("PublishedPort"):
            by_address[entry["URL"]][entry["PublishedPort"]].append(entry["Protocol"])
    return "; ".join(
        f"{address}: " + ", ".join(f"{port} {'+'.join(sorted(set(kinds)))}" for port, kinds in sorted(ports.items()))
        for address, ports in by_address.items()
    )


def state(container: dict) -> str:
    health = f" ({container['Health']})" if container.get("Health") else ""
    return f"{container['State']}{health}"


def table(containers: list[dict], sizes: dict[str, int], base_size: int) -> str:
    rows = [("SERVICE", "STATE", "IMAGE", "PUBLISHED")]
    for container in sorted(containers, key=lambda c: c["Service"]):
        size = sizes[container["Image"]]
        rows.append((container["Service"], state(container), f"{size / MB:.0f} MB (+{(size - base_size) / MB:.0f})",
                     published(container.get("Publishers"))))  # fmt: skip
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[-1]]).rstrip()
        for row in rows
    )


def main() -> int:
    containers = [c for c in parse_ps(docker("compose", "ps", "--format", "json")) if c.get("Service")]
    images = sorted({container["Image"] for container in containers})
    sizes = dict(
        zip(images, (int(size) for size in docker("image", "inspect", "-f", "{{.Size}}", *images).split()), strict=True)
    )
    base_size = int(docker("image", "inspect", "-f", "{{.Size}}", BASE_IMAGE))
    print(table(containers, sizes, base_size))
    print(f"(image sizes: + is above {BASE_IMAGE}, {base_size / MB:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
