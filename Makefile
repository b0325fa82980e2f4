# One-command entry points; the scripts under scripts/ do the work (see README.md).
SHELL := /bin/bash
PY := .venv/bin/python

.PHONY: help run test test-all test-fast test-e2e chaos soak bench migrate bootstrap clean clean-data bare-debian-check compose-check

help:
	@echo "make run         start the whole system with demo data (Ctrl-C stops it)"
	@echo "make test        the whole test suite (starts RabbitMQ and PostgreSQL if needed)"
	@echo "make test-all    the same with every integration test on SQLite and PostgreSQL"
	@echo "make test-fast   lint, unit and contract tests only (no broker, no database server)"
	@echo "make test-e2e    the end-to-end journeys against real service processes"
	@echo "make chaos       3,000 writes while services, a broker and a database of its own crash (~10 min)"
	@echo "make soak        30 min at half the measured capacity: errors, RSS, outbox, lag (SOAK_MINUTES)"
	@echo "make bench       load scenarios on this machine -> bench/RESULTS.md (~45 min; BENCH_ARGS=--quick)"
	@echo "make migrate     bring every service's database to the newest revision (services/registry.py)"
	@echo "make clean       remove the virtualenv and caches (keeps your data in var/)"
	@echo "make clean-data  delete var/: local databases, secrets, demo marker"
	@echo "make bare-debian-check  the README's quick start in a bare Debian 12 container (root, podman; ~6 min)"
	@echo "make compose-check      docker-compose.yml started under podman, used through the gateway (root; ~1-2 min)"

run:
	scripts/run.sh

test:
	scripts/test.sh

test-all:
	TEST_ALL_DIALECTS=1 scripts/test.sh

test-fast: bootstrap
	.venv/bin/ruff check --quiet .
	scripts/ensure_prometheus.sh || true
	scripts/ensure_kubectl.sh || true
	scripts/ensure_apt.sh "the compose validation" docker-compose:docker-compose || true
	.venv/bin/pytest tests/unit tests/contract

test-e2e:
	scripts/test.sh tests/e2e

# The big chaos run (CI runs tests/chaos at its small default size within `make test`). Its own
# RabbitMQ node and PostgreSQL server on their own ports: the machine's are never touched.
chaos: bootstrap
	CHAOS_WRITES=$${CHAOS_WRITES:-3000} CHAOS_SECONDS=$${CHAOS_SECONDS:-300} \
	CHAOS_CLIENTS=$${CHAOS_CLIENTS:-8} $(PY) -m pytest tests/chaos/test_chaos.py -p no:cacheprovider \
	    --basetemp=/tmp/crm-chaos-run      # its service logs stay there until the next run

# Not in CI: its own broker and database too; SOAK_MINUTES (30), SOAK_CLIENTS, SOAK_RAMP_SECONDS.
soak: bootstrap
	$(PY) -m pytest tests/chaos/soak.py -p no:cacheprovider --basetemp=/tmp/crm-soak-run

bench:
	bench/setup.sh
	$(PY) -m bench.run $(BENCH_ARGS)

# No names: every service in services/registry.py that has a database.
migrate: bootstrap
	$(PY) -m services.chassis.migrate upgrade

bootstrap:
	scripts/bootstrap.sh

clean:
	rm -rf .venv .pytest_cache .ruff_cache *.egg-info
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +

clean-data:
	rm -rf var

# Builds a minimal Debian 12 image once (debootstrap), runs the README's prerequisites and
# `make run` inside it until /ready, then Ctrl-C (BARE_CHECK_TEST=1: `make test` too).
bare-debian-check:
	scripts/bare_debian_check.sh

# docker-compose.yml built and started under podman (images made from Debian's packages, as none
# can be pulled here), then /ready, a login + customer round trip, every Prometheus target up.
compose-check: bootstrap
	scripts/compose_check.sh
