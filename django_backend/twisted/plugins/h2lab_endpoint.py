"""The endpoint Daphne listens on: `labtls:PORT`, TLS by the lab's policy (twisted_shared).

Daphne takes its listening sockets as Twisted endpoint strings only, and Twisted's own
`ssl:` endpoint allows CBC cipher suites and no silent-connection limit of ours. So the lab
adds an endpoint type, the way Twisted finds them (a plugin in twisted/plugins on sys.path;
Daphne puts the working directory there). It also gives Daphne's factory the lab's idle
timeout, which Daphne has no option for (Twisted's default: 60 s).
"""

from twisted.internet import reactor
from twisted.internet.endpoints import SSL4ServerEndpoint
from twisted.internet.interfaces import IStreamServerEndpointStringParser
from twisted.plugin import IPlugin
from zope.interface import implementer

from twisted_shared import IDLE_TIMEOUT, certificate_options


class LabEndpoint(SSL4ServerEndpoint):
    def listen(self, factory):
        factory.timeOut = IDLE_TIMEOUT
        return super().listen(factory)


@implementer(IPlugin, IStreamServerEndpointStringParser)
class LabTLS:
    prefix = "labtls"

    def parseStreamServer(self, _reactor, port: str, interface: str = "") -> LabEndpoint:
        return LabEndpoint(reactor, int(port), certificate_options(), interface=interface)


lab_tls = LabTLS()
