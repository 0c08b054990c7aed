# One image recipe for every Python service of the lab: Debian's Python 3.13,
# the service's pinned packages in a venv, the shared site, the service's code.
#   build context: the repository root;  build arg APP: the service's folder.
# The command each service runs is in compose.yaml, next to its healthcheck.
FROM debian:trixie-slim AS runtime
ARG APP
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv libjs-bootstrap5 libjs-jquery \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
COPY ${APP}/requirements.txt /app/requirements.txt
# A CA bundle for pip may be handed in as the build secret ca_bundle (for
# machines whose containers cannot verify the package index); it is in no layer.
RUN --mount=type=secret,id=ca_bundle,required=false \
    if [ -s /run/secrets/ca_bundle ]; then export PIP_CERT=/run/secrets/ca_bundle; fi \
 && python3 -m venv /venv \
 && /venv/bin/pip install --no-cache-dir --disable-pip-version-check -r /app/requirements.txt
COPY endpoints /app/endpoints
COPY website /app/website
WORKDIR /app
RUN python3 -m website.generate
COPY ${APP} /app
ENV PATH=/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1

# The app's unit tests with its framework's test client (make test runs them).
FROM runtime AS unit
RUN --mount=type=secret,id=ca_bundle,required=false \
    if [ -s /run/secrets/ca_bundle ]; then export PIP_CERT=/run/secrets/ca_bundle; fi \
 && pip install --no-cache-dir --disable-pip-version-check pytest==9.2.0
CMD ["pytest", "-q", "-p", "no:cacheprovider"]
