"""Twisted serving the site over TLS with HTTP/2: the 2017 article's second way.

    python3 server.py

twisted.web's Site offers ALPN h2 and http/1.1 by itself once h2 is installed
(twisted[http2]); TLS needs pyOpenSSL (twisted[tls]). Twisted has no push.
"""

import sys

from twisted.internet import reactor, ssl
from twisted.logger import globalLogBeginner, textFileLogObserver
from twisted.python.filepath import FilePath
from twisted.web import resource, server

import website

PORT = 8446
CERTIFICATE = FilePath("/run/certs/server.crt")
PRIVATE_KEY = FilePath("/run/certs/server.key")
# Seconds a connection may stay silent before it is dropped (Twisted's default:
# 60). Twisted restarts this clock on every frame, and keeps a connection it
# refused with GOAWAY open until the clock runs out (plus its 15 s abortTimeout),
# so this is also how long such a connection lingers.
IDLE_TIMEOUT = 10


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


def tls_options() -> ssl.CertificateOptions:
    """TLS 1.2+, ECDHE with AEAD; the key-exchange groups come from OpenSSL's config (python.Dockerfile)."""
    pem = ssl.PrivateCertificate.loadPEM(CERTIFICATE.getContent() + b"\n" + PRIVATE_KEY.getContent())
    return ssl.CertificateOptions(
        privateKey=pem.privateKey.original,
        certificate=pem.original,
        raiseMinimumTo=ssl.TLSVersion.TLSv1_2,
        acceptableCiphers=ssl.AcceptableCiphers.fromOpenSSLCipherString("ECDHE+AESGCM:ECDHE+CHACHA20"),
    )


if __name__ == "__main__":
    globalLogBeginner.beginLoggingTo([textFileLogObserver(sys.stdout)])
    reactor.listenSSL(PORT, server.Site(SiteFiles(), timeout=IDLE_TIMEOUT), tls_options())
    reactor.run()
