# h2lab: `make` lists what you can do.
.DEFAULT_GOAL := help
SHELL := /bin/bash
COMPOSE := docker compose
VENV := .venv
CERTS := certs/ca.crt certs/server.crt certs/server.key
UNIT_TESTS := flask_unit quart_unit twisted_unit
RTT ?= 0,50
RUNS ?= 20

.PHONY: help
help:  ## List the targets (this)
	@awk -F ':.*## ' '/^[a-z][a-z0-9-]*:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: certs
certs: $(CERTS)  ## Make the lab's CA and server certificate (only those missing)

certs/ca.crt:
	certs/generate.sh ca

# A pattern rule with two targets makes both in one run (stem: ".").
certs/server%crt certs/server%key: certs/ca.crt certs/server.cnf
	certs/generate.sh server

.PHONY: up
up: $(CERTS)  ## Check Docker, certificates and ports; build, start, wait until all are healthy
	@python3 tools/preflight.py
	@$(COMPOSE) up --build --wait || { $(MAKE) --no-print-directory .unhealthy-logs; exit 1; }
	@$(COMPOSE) ps --format 'table {{.Service}}\t{{.Status}}\t{{.Ports}}'

.PHONY: down
down:  ## Stop and remove the containers, the network and the certificate volume
	$(COMPOSE) down --remove-orphans --volumes

.PHONY: logs
logs:  ## Follow every service's logs
	$(COMPOSE) logs --follow --tail=100

.PHONY: test
test: $(VENV)/installed  ## Probe the running stack on the wire, attack it, fault it; unit-test the apps
	$(VENV)/bin/pytest -m "not disruptive"
	$(VENV)/bin/pytest -m disruptive  # stops and restarts containers: last
	$(COMPOSE) --profile unit build --quiet $(UNIT_TESTS)
	for unit in $(UNIT_TESTS); do $(COMPOSE) --profile unit run --rm --no-deps $$unit || exit 1; done

.PHONY: bench
bench: .docker-engine  ## Measure page loads, browser and throughput (RTT="0,50" RUNS=20; QUICK=1 for a smoke run)
	@$(COMPOSE) ps --status running --services | grep -qx nginx || { echo "make bench: the lab is not up: run make up first" >&2; exit 1; }
	@mkdir -p results
	@python3 -m bench.versions > results/versions.json
	$(COMPOSE) --profile bench build --quiet bench
	$(COMPOSE) --profile bench run --rm --no-deps bench python3 -m bench $(if $(QUICK),--quick,--runs $(RUNS) --rtt $(RTT))

.PHONY: h3
h3: $(VENV)/installed  ## GET URL=https://localhost:8444/ over HTTP/3 (aioquic) and print the reply
	@PYTHONPATH=.:tests $(VENV)/bin/python -m wire_h3 $(or $(URL),https://localhost:8444/)

.PHONY: endpoints
endpoints:  ## Print the lab's endpoints: port, what, protocols, extras
	@python3 -m website.endpoints

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

.PHONY: .unhealthy-logs
.unhealthy-logs:
	@for service in $$($(COMPOSE) ps --all --format '{{.Service}} {{.State}} {{.Health}} {{.ExitCode}}' \
			| awk '!($$3 == "healthy" || ($$2 == "exited" && $$NF == 0)) {print $$1}'); do \
		echo "--- $$service did not become healthy; its last logs:" >&2; \
		$(COMPOSE) logs --tail=40 $$service >&2; \
	done
