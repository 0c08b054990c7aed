# One image recipe for every Python service of the lab: Debian's Python 3.13,
# the service's pinned packages in a venv, the shared site, the service's code.
#   build context: the repository root;  build arg APP: the service's folder.
# The command each service runs is in compose.yaml, next to its healthcheck.
FROM debian:trixie-slim AS runtime
ARG APP
# Debian packages a service needs beyond these (curl: the HTTP/3 healthcheck, where one is served).
ARG PACKAGES=""
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv libjs-bootstrap5 libjs-jquery $PACKAGES \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
# Key exchange: X25519, P-256 and P-384 only, as nginx's ssl_ecdh_curve (Mozilla
# intermediate), instead of OpenSSL 3.5's defaults (also X448, P-521, ffdhe*,
# X25519MLKEM768). OpenSSL applies [system_default] to every TLS context it makes:
# Python's ssl (Hypercorn, Gunicorn, Uvicorn) and the OpenSSL inside cryptography
# (pyOpenSSL: Twisted), neither of which can set more than one group itself
# (SSLContext.set_ecdh_curve, Context.set_tmp_ecdh). Granian's rustls is not
# OpenSSL: it offers these three by itself. config_diagnostics: a mistake here
# fails every TLS context instead of quietly allowing every group.
# Written here, not copied: the build context takes code folders only.
ENV OPENSSL_CONF=/etc/ssl/h2lab-tls.cnf
RUN printf '%s\n' > "$OPENSSL_CONF" \
    'config_diagnostics = 1' \
    'openssl_conf = h2lab' \
    '[h2lab]' 'ssl_conf = h2lab_ssl' \
    '[h2lab_ssl]' 'system_default = h2lab_tls' \
    '[h2lab_tls]' 'Groups = X25519:P-256:P-384'
COPY ${APP}/requirements.txt /app/requirements.txt
# A CA bundle for pip may be handed in as the build secret ca_bundle (for
# machines whose containers cannot verify the package index); it is in no layer.
# Then out go pip itself, 12 MB the servers never run (the unit stage puts it back from
# Python's own ensurepip), and translation sources (.po: Django's are 11 MB; gettext reads
# only the compiled .mo files beside them).
RUN --mount=type=secret,id=ca_bundle,required=false \
    if [ -s /run/secrets/ca_bundle ]; then export PIP_CERT=/run/secrets/ca_bundle; fi \
 && python3 -m venv /venv \
 && /venv/bin/pip install --no-cache-dir --disable-pip-version-check -r /app/requirements.txt \
 && /venv/bin/python -m pip uninstall --yes --quiet pip \
 && find /venv -name '*.po' -delete
COPY endpoints /app/endpoints
COPY website /app/website
COPY docs/matrix.md /app/docs/matrix.md
COPY twisted_shared /app/twisted_shared
WORKDIR /app
RUN python3 -m website.generate
COPY ${APP} /app
ENV PATH=/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1

# The app's unit tests with its framework's test client (make test runs them).
# (test-requirements.txt: what a framework's test client needs beyond the app, if anything.)
FROM runtime AS unit
RUN --mount=type=secret,id=ca_bundle,required=false \
    if [ -s /run/secrets/ca_bundle ]; then export PIP_CERT=/run/secrets/ca_bundle; fi \
 && python3 -m ensurepip --upgrade >/dev/null \
 && python3 -m pip install --no-cache-dir --disable-pip-version-check pytest==9.2.0 \
 && if [ -f test-requirements.txt ]; then python3 -m pip install --no-cache-dir --disable-pip-version-check -r test-requirements.txt; fi
CMD ["pytest", "-q", "-p", "no:cacheprovider"]
