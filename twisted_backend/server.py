"""Twisted serving the site over TLS with HTTP/2: the 2017 article's second way.

    python3 server.py

twisted.web's Site offers ALPN h2 and http/1.1 by itself once h2 is installed
(twisted[http2]); TLS needs pyOpenSSL (twisted[tls]). Twisted has no push.

POST /upload answers the body's length and digest (website/upload.py), hashed as it
arrives and never kept (HashingRequest). twisted.web renders a request only once all of
its body has arrived, and has no limit on its size: a body over the limit is read to its
end, then refused with 413.
"""

import sys

from twisted.internet import reactor
from twisted.logger import globalLogBeginner, textFileLogObserver
from twisted.web import resource, server

import website
from twisted_shared import IDLE_TIMEOUT, certificate_options
from website import layers, upload

PORT = 8446


class HashingRequest(server.Request):
    """A request whose body is counted and hashed as it arrives, instead of being kept in
    request.content (a temporary file past 100 kB, by default)."""

    def gotLength(self, length: int | None) -> None:
        super().gotLength(0)  # an empty in-memory request.content: nothing goes into it
        self.received = upload.Received()

    def handleContentChunk(self, data: bytes) -> None:
        self.received.add(data)


class SiteFiles(resource.Resource):
    """The shared site, served from website.file_for, as the other backends do."""

    isLeaf = True

    def render_GET(self, request: server.Request) -> bytes:
        path = request.path.decode()
        if path == layers.BARE_PATH:  # the bench's bare layer (website/layers.py): twisted.web is the framework too
            request.setHeader(b"content-type", layers.MEDIA_TYPE.encode())
            return layers.body()
        site_headers(request)
        if path == website.HEALTH_PATH:
            return b"ok\n"
        file = website.file_for(path)
        if file is None:
            request.setResponseCode(404)
            return b"not found\n"
        media_type = website.media_type(file)
        if media_type.startswith("text/"):
            media_type += "; charset=utf-8"
        request.setHeader(b"content-type", media_type.encode())
        return file.read_bytes()

    def render_POST(self, request: HashingRequest) -> bytes:
        site_headers(request)
        if request.path.decode() != upload.PATH:
            request.setResponseCode(405)
            request.setHeader(b"allow", b"GET, HEAD")
            return b"only GET here\n"
        if request.received.too_large:
            request.setResponseCode(413)
            return upload.TOO_LARGE.encode()
        request.setHeader(b"content-type", upload.MEDIA_TYPE.encode())
        return request.received.answer()


def site_headers(request: server.Request) -> None:
    request.setHeader(b"x-backend-protocol", request.clientproto)
    for name, value in website.RESPONSE_HEADERS.items():
        request.setHeader(name.encode(), value.encode())


if __name__ == "__main__":
    globalLogBeginner.beginLoggingTo([textFileLogObserver(sys.stdout)])
    site = server.Site(SiteFiles(), requestFactory=HashingRequest, timeout=IDLE_TIMEOUT)
    reactor.listenSSL(PORT, site, certificate_options())
    reactor.run()
