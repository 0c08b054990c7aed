"""The lab's own HTTP clients, one module per protocol (as Hypercorn keeps
protocol/h11.py, h2.py, h3.py beside the events they share):

    tls.py      TLS contexts that verify against the lab's CA; byte-counting connections
    links.py    what a page links, read the way a browser reads it
    events.py   what the page loaders share: Origin, PageLoad, Stopwatch
    http1.py    HTTP/1.1 page loads (6 connections per origin, like a browser)
    http2.py    HTTP/2: one request frame by frame (probes), and page loads
    http3.py    HTTP/3 over QUIC (aioquic): GETs (probes, make h3), and page loads
    loaders.py  a page loader by protocol name

Used by the probes (tests/), the bench (bench/) and `make h3`. Every connection
verifies the server's certificate chain against the CA it is given.
"""
