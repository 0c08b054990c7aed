#!/bin/sh
# Make the lab's certificates with openssl (called by make certs):
#   certs/generate.sh ca      a local CA:                 ca.key, ca.crt
#   certs/generate.sh server  a server cert signed by it: server.key, server.crt
# Keys are ECDSA P-256. Nothing here is for use outside this lab.
set -eu
cd "$(dirname "$0")"
command -v openssl >/dev/null || {
    echo "make certs: openssl is not installed: install it (apt install openssl, brew install openssl) and run make certs again" >&2
    exit 1
}
umask 077

case "${1:-}" in
ca)
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -days 3650 -subj "/CN=h2lab local CA" -keyout ca.key -out ca.crt \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
        -addext "keyUsage=critical,keyCertSign,cRLSign"
    chmod 644 ca.crt
    echo "certs: made ca.crt (trust it to browse the lab without warnings: see README)"
    ;;
server)
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -config server.cnf -keyout server.key -out server.csr
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
        -days 397 -sha256 -extfile server.cnf -extensions server_cert -out server.crt
    rm -f server.csr
    chmod 644 server.crt
    echo "certs: made server.crt for $(openssl x509 -in server.crt -noout -ext subjectAltName | tail -n 1 | sed 's/^ *//')"
    ;;
*)
    echo "usage: $0 ca|server" >&2
    exit 2
    ;;
esac
