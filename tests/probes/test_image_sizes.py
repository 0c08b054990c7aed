"""Every server's image stays within 150 MB of the Debian base every image starts from: a
framework may bring what it needs, not a second distribution (make up prints the sizes)."""

import pytest

from stack import inspect, servers

BASE_IMAGE = "debian:trixie-slim"
MOST_ABOVE_BASE = 150_000_000  # bytes, as docker counts an image's size
IMAGES = sorted({inspect(service)["Config"]["Image"] for service in servers()})


@pytest.mark.parametrize("image", IMAGES)
def test_image_stays_within_150_mb_of_the_base(image):
    above = inspect(image)["Size"] - inspect(BASE_IMAGE)["Size"]
    assert above <= MOST_ABOVE_BASE, (
        f"{image}: expected at most {MOST_ABOVE_BASE / 1e6:.0f} MB above {BASE_IMAGE}, saw {above / 1e6:.0f} MB"
    )
