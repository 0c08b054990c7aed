"""A flood of new clients' QUIC Initials, answering nothing: what an Initial flood costs a server.

    python3 -m clients.quic_flood HOST PORT INITIALS [CA_FILE]     prints "sent N in S s"

Each Initial is a real ClientHello in a padded 1200-byte datagram with its own connection IDs,
so a server must take every one for a new client. make bench's scale part floods each HTTP/3
server from the bench container (bench/flood.py reads the memory it leaves); the hardening suite
floods from the host (tests/quic_abuse.py).
"""

import socket
import sys
import time

from aioquic.quic.connection import QuicConnection

from clients.http3 import client_configuration

SOURCES = 200  # source ports the Initials come from, round-robin
PER_SECOND = 1000


def client_initials(host: str, port: int, count: int, *, ca_file: str, server_name: str) -> list[bytes]:
    """`count` first datagrams of new clients. About 1.5 ms of CPU each (a key share, the Initial keys)."""
    configuration = client_configuration(ca_file, server_name)
    initials = []
    for _ in range(count):
        client = QuicConnection(configuration=configuration)
        client.connect((host, port), now=time.monotonic())
        initials.append(client.datagrams_to_send(now=time.monotonic())[0][0])
    return initials


def flood(
    host: str, port: int, initials: list[bytes], *, sources: int = SOURCES, per_second: int = PER_SECOND
) -> float:
    """Send the Initials round-robin from `sources` UDP sockets, `per_second` of them a second,
    answering nothing; the seconds it took."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(sources)]
    started = time.monotonic()
    try:
        for sent, initial in enumerate(initials):
            sockets[sent % sources].sendto(initial, (host, port))
            if (ahead := (sent + 1) / per_second - (time.monotonic() - started)) > 0:
                time.sleep(ahead)  # the flood's own pace
    finally:
        for each in sockets:
            each.close()
    return time.monotonic() - started


def main(host: str, port: str, count: str, ca_file: str = "/run/certs/ca.crt") -> None:
    initials = client_initials(host, int(port), int(count), ca_file=ca_file, server_name=host)
    print(f"sent {len(initials)} in {flood(host, int(port), initials):.1f} s", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
