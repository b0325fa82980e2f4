#!/usr/bin/env bash
# Makes sure a Redis answers for the tests of the rate limit shared across gateway replicas
# (tests/integration/gateway/test_shared_rate_limit.py), and prints on stdout the export that
# points the tests at it — callers run it as
#     eval "$(scripts/ensure_redis.sh)"
# A Redis already answering (TEST_REDIS_URL, else 127.0.0.1:6379) is used as it is: never
# restarted, never reconfigured. Otherwise Debian's redis-server is installed (scripts/ensure_apt.sh:
# as root, no system service started) and a server of the project's own is started — on 6379 if
# nothing listens there, else on a free port — with nothing persisted (data, pid and log in
# var/redis/); a later run finds it again. Exits 1 naming the install command when it cannot.
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=var/redis
DEADLINE_SECONDS=${REDIS_START_TIMEOUT:-30}
URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/0}
if [[ ! "$URL" =~ ^redis://([^@/]*@)?([^:/]+)(:([0-9]+))? ]]; then
    echo "ensure_redis: TEST_REDIS_URL=$URL is not a redis://host:port/db URL" >&2; exit 1
fi
HOST=${BASH_REMATCH[2]} PORT=${BASH_REMATCH[4]:-6379}

listening() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
# A Redis that lets us in answers PING with +PONG (one without a password for us: -NOAUTH).
answers() {
    timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2 && printf 'PING\r\n' >&3 && head -c 5 <&3" \
        2>/dev/null | grep -q '^+PONG'
}
use() { echo "ensure_redis: Redis is up on $1:$2" >&2; echo "export TEST_REDIS_URL=redis://$1:$2/0"; }

if answers "$HOST" "$PORT"; then
    use "$HOST" "$PORT"; exit 0
fi
if [ -n "${TEST_REDIS_URL:-}" ]; then
    echo "ensure_redis: TEST_REDIS_URL ($HOST:$PORT) does not answer PING." >&2; exit 1
fi
if [ -f "$DIR/port" ] && answers 127.0.0.1 "$(cat "$DIR/port")"; then
    use 127.0.0.1 "$(cat "$DIR/port")"; exit 0       # the one an earlier run started
fi

"$(dirname "$0")/ensure_apt.sh" "the shared rate limit tests" redis-server:redis-server

port=6379
if listening 127.0.0.1 "$port"; then                 # something else (or a Redis not ours to use)
    port=$(.venv/bin/python -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
fi
mkdir -p "$DIR"
echo "ensure_redis: starting redis-server on 127.0.0.1:$port (data, pid and log in $DIR/)" >&2
redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --save '' --appendonly no \
    --dir "$PWD/$DIR" --pidfile "$PWD/$DIR/redis.pid" --logfile "$PWD/$DIR/redis.log" >/dev/null
deadline=$((SECONDS + DEADLINE_SECONDS))
until answers 127.0.0.1 "$port"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
        echo "ensure_redis: redis-server did not answer on $port within ${DEADLINE_SECONDS}s;" \
             "see $DIR/redis.log" >&2
        exit 1
    fi
    sleep 0.2
done
echo "$port" > "$DIR/port"
use 127.0.0.1 "$port"
