# h2lab: `make` lists what you can do.
.DEFAULT_GOAL := help
SHELL := /bin/bash
COMPOSE := docker compose
VENV := .venv
CERTS := certs/ca.crt certs/server.crt certs/server.key
APP_UNIT_TESTS := flask_unit quart_unit twisted_unit django_unit h2_by_hand_unit sanic_unit
PYTEST := $(VENV)/bin/pytest
# Probes in parallel workers; the TLS policy scans and Granian's own route each in one.
PARALLEL := -n 4 --dist loadgroup
# The attacks and faults mostly wait on servers (timeouts, restarts): a worker for each
# service the registry serves from, so the services are attacked side by side, each one
# attack at a time (the network emulator's restart runs in the group of the server it reaches).
SERVICES = $(shell python3 -c 'import endpoints; print(len({e.service for e in endpoints.ENDPOINTS}))')
BY_SERVICE = -n $(SERVICES) --dist loadgroup
# HTTP/3's UDP ports are published on IPv6 too (compose.yaml says why): the loopback ::1, or
# every address when LAB_BIND=0.0.0.0 lets a room in.
export LAB_BIND6 ?= $(if $(filter 0.0.0.0,$(LAB_BIND)),::,::1)
RUNS ?= 10
PROFILES ?= rtt50,slow4g,lossy

.PHONY: help
help:  ## List the targets (this)
	@awk -F ':.*## ' '/^[a-z][a-z0-9-]*:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: certs
certs:  ## Make the CA and server certificate if missing; renew the server's 30 days before expiry
	@certs/generate.sh

# generate.sh decides what is due (missing, broken, changed, expiring), so whatever needs the files asks it.
$(CERTS): certs

# The server certificate's fingerprint, read when a recipe runs (after any renewal), for compose:
# a new one recreates the certs service, and the servers restart with it (depends_on restart).
export SERVER_CERT_SHA256 = $(shell openssl x509 -noout -fingerprint -sha256 -in certs/server.crt 2>/dev/null | cut -d= -f2)

.PHONY: up
up: $(CERTS)  ## Check Docker, certificates and ports; build, start, wait until all are healthy
	@python3 tools/preflight.py
	@# The tests' venv is made meanwhile: both mostly wait (on downloads, on healthchecks). If it
	@# fails, make test makes it again and shows why; make up is about the lab.
	@{ $(MAKE) --no-print-directory $(VENV)/installed >/dev/null 2>&1 & }; \
		$(COMPOSE) up --build --wait || { $(MAKE) --no-print-directory .unhealthy-logs; wait; exit 1; }; wait
	@python3 tools/lab_status.py

.PHONY: down
down:  ## Stop and remove the containers (the bench's and the stock servers' too), the network and the volumes
	$(COMPOSE) --profile '*' down --remove-orphans --volumes

.PHONY: logs
logs:  ## Follow every service's logs
	$(COMPOSE) logs --follow --tail=100

.PHONY: test
test:  ## Everything: unit tests, then the running stack probed, attacked, its far network calibrated, faulted
	@# The suites that neither attack nor time anything run side by side, each's output whole once
	@# it is done (the apps' units mostly wait on Docker, the probes on the servers, while the lab's
	@# units use the cores); one after the other on a make without output-sync (3.81, as macOS ships it).
	@$(MAKE) --no-print-directory $(if $(filter output-sync,$(.FEATURES)),--jobs=3 --output-sync=target) unit app-units probes
	@$(MAKE) --no-print-directory hardening network-test faults

.PHONY: unit
unit: $(VENV)/installed  ## Lint, and the tests that need no Docker at all (seconds)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PYTEST) -n 2 tests/unit  # two workers: certutil and openssl runs, mostly waiting

.PHONY: probes
probes: $(VENV)/installed .lab-up  ## Probe every endpoint on the wire (needs make up)
	$(PYTEST) $(PARALLEL) tests/probes

.PHONY: hardening
hardening: $(VENV)/installed .lab-up  ## Attack every endpoint, load it, check conformance; print how each coped (needs make up)
	$(COMPOSE) --profile bench build --quiet bench
	$(PYTEST) $(BY_SERVICE) tests/hardening

.PHONY: network-test
network-test: $(VENV)/installed .lab-up  ## Calibrate the far network against physics; the race in Chromium and Firefox as make browser starts them (needs make up)
	$(COMPOSE) --profile bench build --quiet bench
	$(PYTEST) tests/network

.PHONY: faults
faults: $(VENV)/installed .lab-up  ## Stop and restart containers under load (needs make up; leaves it healthy)
	$(PYTEST) $(BY_SERVICE) tests/faults

.PHONY: app-units
app-units: .docker-engine  ## Each app's unit tests, in its own image, with its framework's test client
	$(COMPOSE) --profile unit build --quiet $(APP_UNIT_TESTS)
	for unit in $(APP_UNIT_TESTS); do $(COMPOSE) --profile unit run --rm --no-deps $$unit || exit 1; done

.PHONY: bench
bench: .lab-up  ## Measure cost and scale near (h2load, cgroups), page loads, uploads, streams and a browser far (PROFILES= RUNS=; QUICK=1: smoke; TRACE=1: frame logs, qlogs)
	@mkdir -p results
	@python3 -m bench.versions > results/versions.json
	$(COMPOSE) --profile bench build --quiet bench
	@# Cost and scale first, on the host: it reads each container's cgroup through docker exec.
	python3 -m bench.scale $(if $(QUICK),--quick) --out results
	$(COMPOSE) --profile bench run --rm --no-deps bench python3 -m bench $(if $(QUICK),--quick,--runs $(RUNS) --profiles $(PROFILES)) $(if $(TRACE),--trace)
	@# Every endpoint against every feature, from this run and the last make test's records.
	@python3 -m bench.matrix --results results --out results/matrix.md

# Only as typed after make (make browser BROWSER=firefox): many desktops export BROWSER for
# other programs (xdg-open, a path), which must not choose make browser's.
given = $(if $(filter command line,$(origin $(1))),$(2))

.PHONY: browser
browser: $(VENV)/installed $(CERTS) .lab-up  ## Your Chromium, Chrome or Firefox in a profile of the lab's: CA trusted there only, HTTP/3 (BROWSER= URL=; HEADLESS=1: JSON)
	@$(VENV)/bin/python -m browsers open $(call given,BROWSER,--browser '$(BROWSER)') $(call given,URL,--url $(foreach url,$(URL),'$(url)')) \
		$(if $(HEADLESS),--headless) $(call given,PROFILE_DIR,--profile-dir '$(PROFILE_DIR)')

.PHONY: trust
trust: $(CERTS)  ## Trust the lab's CA in this machine's stores and browsers, as mkcert does (SYSTEM=0: browsers only)
	@python3 -m browsers trust $(if $(filter 0,$(SYSTEM)),--no-system)

.PHONY: untrust
untrust:  ## Remove exactly what make trust added
	@python3 -m browsers untrust

.PHONY: network
network: .lab-up  ## Show the far network (ports 9443-9454); change it live: PROFILE=slow4g, or RTT= RATE= LOSS=
	@$(COMPOSE) exec -T network python3 -m network $(if $(PROFILE)$(RTT)$(RATE)$(DOWN)$(UP)$(LOSS)$(QUEUE),set $(PROFILE) \
		$(if $(RTT),--rtt $(RTT)) $(if $(RATE),--down $(RATE) --up $(RATE)) \
		$(if $(DOWN),--down $(DOWN)) $(if $(UP),--up $(UP)) \
		$(if $(LOSS),--loss $(LOSS)) $(if $(QUEUE),--queue $(QUEUE)),show)

.PHONY: h3
h3: $(VENV)/installed  ## GET URL=https://localhost:8444/ over HTTP/3 (aioquic) and print the reply
	@$(VENV)/bin/python -m clients.http3 $(or $(URL),https://localhost:8444/) certs/ca.crt

.PHONY: endpoints
endpoints:  ## Print the lab's endpoints: port, far port, what, protocols, extras
	@python3 -m endpoints

.PHONY: clean
clean: down  ## Remove the stack's images, the probes' venv and the certificates
	$(COMPOSE) --profile unit --profile bench down --rmi local --volumes
	rm -rf $(VENV) certs/*.crt certs/*.key certs/*.srl *.egg-info build

$(VENV)/installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check .
	touch $@

.PHONY: .docker-engine
.docker-engine:
	@docker info >/dev/null 2>&1 || { echo "make: no Docker engine answers ('docker info' failed): start Docker (Desktop, or dockerd), then run make again" >&2; exit 1; }

.PHONY: .lab-up
.lab-up: .docker-engine
	@$(COMPOSE) ps --status running --services | grep -qx nginx || { echo "make: the lab is not up: run make up first" >&2; exit 1; }

.PHONY: .unhealthy-logs
.unhealthy-logs:
	@for service in $$($(COMPOSE) ps --all --format '{{.Service}} {{.State}} {{.Health}} {{.ExitCode}}' \
			| awk '!($$3 == "healthy" || ($$2 == "exited" && $$NF == 0)) {print $$1}'); do \
		echo "--- $$service did not become healthy; its last logs:" >&2; \
		$(COMPOSE) logs --tail=40 $$service >&2; \
	done
