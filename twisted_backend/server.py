"""Twisted serving the site over TLS with HTTP/2: the 2017 article's second way.

    python3 server.py

twisted.web's Site offers ALPN h2 and http/1.1 by itself once h2 is installed
(twisted[http2]); TLS needs pyOpenSSL (twisted[tls]). Twisted has no push.
"""

import sys

from twisted.internet import reactor
from twisted.logger import globalLogBeginner, textFileLogObserver
from twisted.web import resource, server

import website
from twisted_shared import IDLE_TIMEOUT, certificate_options

PORT = 8446


class SiteFiles(resource.Resource):
    """The shared site, served from website.file_for, as the other backends do."""

    isLeaf = True

    def render_GET(self, request: server.Request) -> bytes:
        path = request.path.decode()
        request.setHeader(b"x-backend-protocol", request.clientproto)
        for name, value in website.RESPONSE_HEADERS.items():
            request.setHeader(name.encode(), value.encode())
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


if __name__ == "__main__":
    globalLogBeginner.beginLoggingTo([textFileLogObserver(sys.stdout)])
    reactor.listenSSL(PORT, server.Site(SiteFiles(), timeout=IDLE_TIMEOUT), certificate_options())
    reactor.run()
