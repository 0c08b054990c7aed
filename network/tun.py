"""The two TUN devices the packets cross, and how the loop attaches to them."""

import fcntl
import os
import struct

CLIENT_SIDE = "far-client"  # the kernel hands the loop client → server packets here; it takes the replies back
SERVER_SIDE = "far-server"  # the loop hands client → server packets to the kernel here; it takes the replies

TUNSETIFF = 0x400454CA  # _IOW('T', 202, int), linux/if_tun.h
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000  # bare IP packets, no 4-byte header


def attach(name: str) -> int:
    """A non-blocking file descriptor on the persistent TUN device `name` (which our user owns)."""
    descriptor = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(descriptor, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return descriptor
