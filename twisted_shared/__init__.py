"""What the lab's two Twisted servers share (Twisted itself, and Daphne, Django's server, which
runs on it): TLS by Mozilla's "intermediate" policy, as nginx's h2lab/tls.conf has it, and
how long a silent connection lives.

Twisted's own default cipher list also allows CBC suites (ECDH+AES256, ECDH+AES128), which
that policy does not; TLS 1.2 and 1.3 only; the key-exchange groups come from OpenSSL's
configuration (python.Dockerfile), since pyOpenSSL sets only one itself.
"""

from twisted.internet import ssl
from twisted.python.filepath import FilePath

CERTIFICATE = FilePath("/run/certs/server.crt")
PRIVATE_KEY = FilePath("/run/certs/server.key")
# Seconds a connection may stay silent before it is dropped (Twisted's default: 60). Twisted
# restarts this clock on every frame, and keeps a connection it refused with GOAWAY open
# until the clock runs out (plus its 15 s abortTimeout), so this is also how long such a
# connection lingers.
IDLE_TIMEOUT = 10


def certificate_options() -> ssl.CertificateOptions:
    """TLS 1.2+, ECDHE with AEAD ciphers, the lab's certificate."""
    pem = ssl.PrivateCertificate.loadPEM(CERTIFICATE.getContent() + b"\n" + PRIVATE_KEY.getContent())
    return ssl.CertificateOptions(
        privateKey=pem.privateKey.original,
        certificate=pem.original,
        raiseMinimumTo=ssl.TLSVersion.TLSv1_2,
        acceptableCiphers=ssl.AcceptableCiphers.fromOpenSSLCipherString("ECDHE+AESGCM:ECDHE+CHACHA20"),
    )
