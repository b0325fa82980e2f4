#!/usr/bin/env bash
# Makes sure RabbitMQ answers on AMQP (5672); with --management also its HTTP API (15672),
# which the tests use to create a vhost per test. Starts or installs it when it can. A local
# broker that answers on its port but does not work (a login refused, its schema database
# broken) is left alone: a node of the project's own is started (own_rabbitmq.sh) and the
# exports that point at it are printed on stdout — callers run it as
#     eval "$(scripts/ensure_rabbitmq.sh [--management])"
set -euo pipefail

HOST=${RABBITMQ_HOST:-127.0.0.1}
AMQP_PORT=${RABBITMQ_PORT:-5672}
# A broker named by AMQP_URI (amqp://user:pw@host:port/vhost) is checked where it is.
if [[ "${AMQP_URI:-}" =~ ^amqps?://([^@/]*@)?([^:/]+)(:([0-9]+))? ]]; then
    HOST=${BASH_REMATCH[2]}
    AMQP_PORT=${BASH_REMATCH[4]:-5672}
fi
case "$HOST" in localhost|127.0.0.1|::1) local_broker=true ;; *) local_broker=false ;; esac
MGMT_PORT=${RABBITMQ_MANAGEMENT_PORT:-15672}
DEADLINE_SECONDS=${RABBITMQ_START_TIMEOUT:-90}
management=false
[ "${1:-}" = "--management" ] && management=true

reachable() { timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null; }

wait_for_port() {
    local port=$1 deadline=$((SECONDS + DEADLINE_SECONDS))
    until reachable "$port"; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "ensure_rabbitmq: RabbitMQ did not open port $port within ${DEADLINE_SECONDS}s" >&2
            echo "  see /var/log/rabbitmq/ or run 'rabbitmq-diagnostics status'" >&2
            exit 1
        fi
        sleep 1
    done
}

as_root() { [ "$(id -u)" = 0 ]; }

if ! reachable "$AMQP_PORT" && ! $local_broker; then
    echo "ensure_rabbitmq: the broker in AMQP_URI ($HOST:$AMQP_PORT) is not reachable." >&2
    exit 1
fi
if ! reachable "$AMQP_PORT"; then
    if ! command -v rabbitmq-server >/dev/null 2>&1; then
        if as_root && command -v apt-get >/dev/null 2>&1; then
            echo "ensure_rabbitmq: installing rabbitmq-server (apt-get)" >&2
            DEBIAN_FRONTEND=noninteractive apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
        else
            echo "ensure_rabbitmq: RabbitMQ is not reachable on $HOST:$AMQP_PORT and not installed." >&2
            echo "  Install and start it:  sudo apt-get install -y rabbitmq-server" >&2
            echo "  (tests also need:      sudo rabbitmq-plugins enable rabbitmq_management)" >&2
            echo "  or point AMQP_URI at a running broker." >&2
            exit 1
        fi
    fi
    if ! reachable "$AMQP_PORT"; then      # apt may have started it already
        if $management; then
            rabbitmq-plugins enable --offline rabbitmq_management >/dev/null
        fi
        echo "ensure_rabbitmq: starting rabbitmq-server" >&2
        rabbitmq-server -detached
    fi
    wait_for_port "$AMQP_PORT"
fi

if $management && ! reachable "$MGMT_PORT"; then
    if ! $local_broker || ! command -v rabbitmq-plugins >/dev/null 2>&1; then
        echo "ensure_rabbitmq: the management API ($HOST:$MGMT_PORT) is needed by the tests;" >&2
        echo "  enable it on your broker: rabbitmq-plugins enable rabbitmq_management" >&2
        exit 1
    fi
    echo "ensure_rabbitmq: enabling rabbitmq_management" >&2
    rabbitmq-plugins enable rabbitmq_management >/dev/null
    wait_for_port "$MGMT_PORT"
fi
# Up is not enough: it must let us in. The management API answers for the broker's own
# database (users, vhosts); without it, an AMQP handshake by the project's python.
working() {
    if reachable "$MGMT_PORT" && command -v curl >/dev/null 2>&1; then
        curl -fsS -o /dev/null --max-time 10 -u "${RABBITMQ_USER:-guest}:${RABBITMQ_PASSWORD:-guest}" \
            "http://$HOST:$MGMT_PORT/api/whoami"
    elif [ -x .venv/bin/python ]; then
        .venv/bin/python -c "import kombu, sys; kombu.Connection(sys.argv[1], connect_timeout=10).connect()" \
            "${AMQP_URI:-amqp://guest:guest@$HOST:$AMQP_PORT/}" >/dev/null 2>&1
    fi
}
if $local_broker && [ -z "${AMQP_URI:-}" ] && ! working; then
    echo "ensure_rabbitmq: the broker on $HOST:$AMQP_PORT answers but refuses work (see /var/log/rabbitmq/);" >&2
    echo "  leaving it alone and using a node of the project's own" >&2
    exec "$(dirname "$0")/own_rabbitmq.sh"
fi
echo "ensure_rabbitmq: RabbitMQ is up on $HOST:$AMQP_PORT$($management && echo " (management :$MGMT_PORT)")" >&2
