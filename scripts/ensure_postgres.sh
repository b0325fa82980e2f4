#!/usr/bin/env bash
# Makes sure PostgreSQL answers on 127.0.0.1:5432 as user `postgres` (the tests' PostgreSQL
# variants create a throw-away database per test). Starts or installs it when it can.
# Authentication: trust, or the password in PGPASSWORD (scripts/test.sh defaults it to
# "postgres"; on a cluster this script installed itself it sets that password).
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=127.0.0.1
PORT=5432
DEADLINE_SECONDS=${POSTGRES_START_TIMEOUT:-60}
PY=${VENV:-.venv}/bin/python

reachable() { timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$PORT" 2>/dev/null; }
as_root() { [ "$(id -u)" = 0 ]; }
can_log_in() {
    "$PY" - <<'EOF' 2>/dev/null
import psycopg2
psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres",
                 connect_timeout=5).close()
EOF
}
start_cluster() {
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n1)
    echo "ensure_postgres: starting PostgreSQL $version" >&2
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
}

if ! reachable; then
    if [ -d /etc/postgresql ] && [ -n "$(ls /etc/postgresql 2>/dev/null)" ] && command -v pg_ctlcluster >/dev/null; then
        start_cluster
    elif as_root && command -v apt-get >/dev/null 2>&1; then
        echo "ensure_postgres: installing postgresql (apt-get)" >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        reachable || start_cluster
    else
        echo "ensure_postgres: PostgreSQL is not reachable on $HOST:$PORT and not installed." >&2
        echo "  Install and start it:  sudo apt-get install -y postgresql" >&2
        echo "  The tests connect as user postgres (trust, or PGPASSWORD)." >&2
        exit 1
    fi
    deadline=$((SECONDS + DEADLINE_SECONDS))
    until reachable; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "ensure_postgres: PostgreSQL did not open $HOST:$PORT within ${DEADLINE_SECONDS}s" >&2
            exit 1
        fi
        sleep 1
    done
fi

if ! can_log_in; then
    # A fresh Debian cluster asks TCP clients for a password; give the postgres role the one
    # the tests use (local socket as the postgres OS user is 'peer' authenticated).
    if as_root && [ -n "${PGPASSWORD:-}" ] && command -v runuser >/dev/null; then
        runuser -u postgres -- psql -q -c "ALTER USER postgres PASSWORD '${PGPASSWORD//\'/\'\'}'" >/dev/null
    fi
    can_log_in || {
        echo "ensure_postgres: cannot log in to $HOST:$PORT as postgres." >&2
        echo "  Allow it (trust in pg_hba.conf for 127.0.0.1) or export PGPASSWORD=<its password>." >&2
        exit 1
    }
fi
echo "ensure_postgres: PostgreSQL is up on $HOST:$PORT" >&2
