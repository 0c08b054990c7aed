#!/bin/sh
# Make the lab's certificates with openssl: certs/generate.sh (make certs and make up run it).
#   ca.key, ca.crt          a local CA, made when missing
#   server.key, server.crt  a server certificate it signs, made when missing or broken (not
#                           signed by ca.crt, not valid yet, the key not its own), older than
#                           server.cnf, longer-lived than SERVER_DAYS (an older policy's),
#                           expired, or expiring within RENEW_DAYS
# One line says what was made and why; nothing is said when nothing was due.
# Keys are ECDSA P-256. Nothing here is for use outside this lab.
#
# Why these lifetimes:
# 1. The server certificate lives 90 days, the common choice: Mozilla's "intermediate"
#    allows at most 366, and the public CAs' rules are heading for 47.
# 2. It is renewed 30 days before it expires, so make up never hands out an expired one,
#    and a lab left alone for weeks still starts.
# 3. The CA lives 10 years: people import it into their browsers, and a new CA would
#    make them import it again. The lifetime rules are for server certificates; this CA
#    signs only the lab's (pathlen:0) and its key never leaves certs/.
# 4. The CA is name-constrained (name_constraints.py): its key can sign for localhost,
#    the compose service names and private names and addresses, never for a public site.
#    A CA that permits less than server.cnf names (or anything at all: made before the
#    constraints) is replaced, and one line says it must be trusted again.
set -eu
SERVER_DAYS=90
RENEW_DAYS=30
folder=$(dirname "$0") # certs/, as the person at the terminal typed it
cd "$(dirname "$0")"
command -v openssl >/dev/null || {
    echo "make certs: openssl is not installed: install it (apt install openssl, brew install openssl) and run make certs again" >&2
    exit 1
}
command -v python3 >/dev/null || {
    echo "make certs: python3 is not installed: install it (apt install python3, brew install python) and run make certs again" >&2
    exit 1
}
umask 077
# What the CA may sign for, from server.cnf; a public name there stops here, with why.
constraints=$(python3 name_constraints.py server.cnf)

# Run openssl without its chatter; show the chatter only when it fails.
quietly() {
    output=$("$@" 2>&1) || {
        printf '%s\n' "$output" >&2
        return 1
    }
}

make_ca() {
    quietly openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -days 3650 -subj "/CN=h2lab local CA" -keyout ca.key -out ca.crt \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "nameConstraints=$constraints"
    chmod 644 ca.crt
}

make_server_certificate() {
    quietly openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -config server.cnf -keyout server.key -out server.csr
    quietly openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
        -days "$SERVER_DAYS" -sha256 -extfile server.cnf -extensions server_cert -out server.crt
    rm -f server.csr
    chmod 644 server.crt
}

expiry() {
    openssl x509 -noout -enddate -in server.crt | sed 's/^notAfter=//'
}

expires_within() {
    ! openssl x509 -noout -checkend $(($1 * 86400)) -in server.crt >/dev/null
}

# Why the server certificate must be made (again); nothing when it need not be.
server_due() {
    if [ ! -e server.crt ]; then
        echo "$folder/server.crt is missing: made"
    elif [ ! -e server.key ]; then
        echo "$folder/server.key is missing: made a new key and certificate"
    elif ! openssl x509 -noout -in server.crt 2>/dev/null; then
        echo "$folder/server.crt is not a certificate openssl can read: made again"
    elif [ server.cnf -nt server.crt ]; then
        echo "$folder/server.cnf changed since $folder/server.crt was made: renewed"
    elif ! expires_within "$SERVER_DAYS"; then
        echo "$folder/server.crt expires on $(expiry), later than a $SERVER_DAYS-day certificate can: renewed"
    elif expires_within 0; then
        echo "$folder/server.crt expired on $(expiry): renewed"
    elif expires_within "$RENEW_DAYS"; then
        echo "$folder/server.crt expires on $(expiry), within $RENEW_DAYS days: renewed"
    elif ! openssl verify -CAfile ca.crt server.crt >/dev/null 2>&1; then
        echo "$folder/server.crt does not verify against $folder/ca.crt: made again"
    elif [ "$(openssl pkey -pubout -in server.key 2>/dev/null)" != "$(openssl x509 -noout -pubkey -in server.crt)" ]; then
        echo "$folder/server.key does not match $folder/server.crt: made again"
    fi
}

renew_what_is_due() {
    if [ ! -e ca.crt ]; then
        make_ca
        echo "make certs: made $folder/ca.crt, valid 10 years (trust it to browse the lab without warnings: see README)"
    elif ! why=$(python3 name_constraints.py server.cnf ca.crt); then
        rm -f ca.key ca.srl
        make_ca
        echo "make certs: $folder/ca.crt $why: replaced by a CA that signs only for the lab's names; trust it again (make trust, or make browser for its own profile)"
    fi
    why=$(server_due)
    [ -n "$why" ] || return 0
    [ -e ca.key ] || {
        echo "make certs: $folder/ca.key is missing, so $folder/server.crt cannot be made: delete $folder/*.crt $folder/*.key $folder/*.srl (make clean does) and run make certs" >&2
        exit 1
    }
    make_server_certificate
    echo "make certs: $why (valid until $(expiry))"
}

renew_what_is_due
