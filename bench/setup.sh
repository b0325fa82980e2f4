#!/usr/bin/env bash
# bench's own setup (make bench runs it first), idempotent: the project's virtualenv, wrk (the
# Debian package; the load generator is C so it is never the bottleneck), py-spy pinned in
# bench/requirements.txt, RabbitMQ with its management API (each run makes its own vhost), and
# PostgreSQL with its client tools (each run makes its own databases; pg_dump/pg_restore copy
# the customers database for the monolith baseline).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh

if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "bench: apt-get install -y wrk" >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    else
        echo "bench: wrk is needed: sudo apt-get install -y wrk" >&2
        exit 1
    fi
fi

if ! .venv/bin/python -m pip install -q --disable-pip-version-check -r bench/requirements.txt; then
    echo "bench: could not install bench/requirements.txt (py-spy); profiles will be skipped" >&2
fi

scripts/ensure_rabbitmq.sh --management
scripts/ensure_postgres.sh
scripts/ensure_apt.sh "the PostgreSQL benchmark" postgresql-client:pg_dump
