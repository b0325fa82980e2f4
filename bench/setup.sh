#!/usr/bin/env bash
# bench's own setup (make bench runs it first), idempotent: the project's virtualenv, wrk (the
# Debian package; the load generator is C so it is never the bottleneck), py-spy pinned in
# bench/requirements.txt, and RabbitMQ with its management API (each run makes its own vhost).
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
