"""A page loader by protocol name: "http/1.1", "h2", "h2+push" (push accepted) or "h3"."""

from clients.events import Origin
from clients.http1 import Http1Loader
from clients.http2 import Http2Loader
from clients.http3 import Http3Loader

PROTOCOLS = ("http/1.1", "h2", "h2+push", "h3")


def make_loader(protocol: str, origin: Origin, ca_file: str) -> Http1Loader | Http2Loader | Http3Loader:
    match protocol:
        case "http/1.1":
            return Http1Loader(origin, ca_file)
        case "h2":
            return Http2Loader(origin, ca_file, accept_push=False)
        case "h2+push":
            return Http2Loader(origin, ca_file, accept_push=True)
        case "h3":
            return Http3Loader(origin, ca_file)
    raise ValueError(f"no loader for protocol {protocol!r}: choose one of {', '.join(PROTOCOLS)}")
