#!/usr/bin/env bash
# A RabbitMQ node of the project's own (management included) on its own ports and data
# directory, for when the machine's broker answers on its port but does not work (its schema
# database broken, a full disk, a login that no longer exists): ensure_rabbitmq.sh falls back
# to it rather than touch the machine's broker. Idempotent: a node already up is reused.
# Prints, on stdout, the exports that point the project at it:
#     eval "$(scripts/own_rabbitmq.sh)"
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${OWN_RABBITMQ_PORT:-5682}
MGMT_PORT=${OWN_RABBITMQ_MANAGEMENT_PORT:-15682}
DIR=${OWN_RABBITMQ_DIR:-$PWD/var/rabbitmq}
NODE="crm_own_${PORT}@localhost"
DEADLINE_SECONDS=${RABBITMQ_START_TIMEOUT:-90}

reachable() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
# The server script itself: Debian's /usr/sbin wrapper would switch to the rabbitmq user, who
# cannot write the project's directory.
SERVER=/usr/lib/rabbitmq/bin/rabbitmq-server
[ -x "$SERVER" ] || SERVER=$(command -v rabbitmq-server)

if ! reachable "$PORT"; then
    mkdir -p "$DIR/mnesia" "$DIR/log"
    cat > "$DIR/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $MGMT_PORT
CONF
    echo "[rabbitmq_management]." > "$DIR/enabled_plugins"
    : > "$DIR/rabbitmq-env.conf"
    echo "own_rabbitmq: starting a RabbitMQ node of the project's own on :$PORT (management :$MGMT_PORT, data $DIR)" >&2
    # Many test systems at once hold many sockets and files: the default 1024 is too few.
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    HOME="$DIR" RABBITMQ_NODENAME="$NODE" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
        RABBITMQ_NODE_PORT="$PORT" RABBITMQ_DIST_PORT=$((PORT + 20000)) \
        RABBITMQ_MNESIA_BASE="$DIR/mnesia" RABBITMQ_LOG_BASE="$DIR/log" \
        RABBITMQ_CONFIG_FILE="$DIR/rabbitmq.conf" RABBITMQ_CONF_ENV_FILE="$DIR/rabbitmq-env.conf" \
        RABBITMQ_ENABLED_PLUGINS_FILE="$DIR/enabled_plugins" \
        RABBITMQ_ADVANCED_CONFIG_FILE="$DIR/advanced.config" ERL_EPMD_ADDRESS=127.0.0.1 \
        setsid nohup "$SERVER" >> "$DIR/log/server.out" 2>&1 < /dev/null &
fi
deadline=$((SECONDS + DEADLINE_SECONDS))
until reachable "$PORT" && reachable "$MGMT_PORT"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
        echo "own_rabbitmq: the node did not open :$PORT and :$MGMT_PORT within ${DEADLINE_SECONDS}s; see $DIR/log/" >&2
        exit 1
    fi
    sleep 1
done
AMQP="amqp://guest:guest@127.0.0.1:$PORT/"
echo "export AMQP_URI='$AMQP' RABBITMQ_MANAGEMENT_URL='http://127.0.0.1:$MGMT_PORT'"
# pytest (nameko's plugin) takes the broker from its own options
echo "export PYTEST_ADDOPTS=\"\${PYTEST_ADDOPTS:-} --amqp-uri=$AMQP --rabbit-api-uri=http://guest:guest@127.0.0.1:$MGMT_PORT\""
