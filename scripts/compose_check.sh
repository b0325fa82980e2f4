#!/usr/bin/env bash
# `make compose-check`: docker-compose.yml really started, under podman, and used through its ports.
#
# No image can be pulled here, so the images docker-compose.yml names are made locally, from
# Debian's packages on the debootstrap base (scripts/debian_base_image.sh): a Python 3.11 base for
# deploy/Dockerfile, RabbitMQ, PostgreSQL, Prometheus (deploy/local/*.Containerfile). The ONE
# override is deploy/local/compose.env, which names them; the compose file itself is the one users
# run. Debian's docker-compose (1.29) drives podman through podman's Docker-compatible API socket:
# it builds the CRM image from deploy/Dockerfile, creates the network, volumes and containers and
# honours depends_on (healthy / completed successfully). Then scripts/compose_probe.py checks
# /ready, a login + customer round trip through the gateway and every Prometheus target up.
# Grafana and Mailpit are not started: no Debian package or locally buildable image (README).
#
# Nothing touches the machine's RabbitMQ / PostgreSQL: those containers publish no port; the
# gateway, RabbitMQ's management UI and Prometheus are published on free ports of 127.0.0.1 (the
# gateway on every address). Containers, network and volumes are removed at exit (the images stay
# cached; `podman rmi` them to rebuild). Needs root (rootful podman). Measured: README.
#     COMPOSE_CHECK_KEEP=1   leave the stack running at the end (remove it: see the last line)
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
step() { echo "compose-check: [$((SECONDS - started))s] $*" >&2; }

PROJECT=${COMPOSE_CHECK_PROJECT:-crm-compose-check-$$}    # two runs at once do not meet
NOT_LOCAL="grafana mailpit"       # kept in docker-compose.yml; no local image (README)
export CONTAINERS_CONF=$PWD/deploy/local/containers.conf    # runc, ulimits the kernel allows
PY=(.venv/bin/python -W ignore)   # the helpers import eventlet, which warns it is deprecated

[ "$(id -u)" = 0 ] || { echo "compose-check: needs root (rootful podman)" >&2; exit 1; }
BASE=$(scripts/debian_base_image.sh)
scripts/ensure_apt.sh "compose-check" docker-compose:docker-compose

step "local images from Debian's packages on $BASE (cached after the first build)"
for name in python rabbitmq postgres prometheus; do
    # The machine's CA bundle: pip (python image) reaches PyPI through this network's TLS proxy.
    podman build -q --build-arg DEBIAN_BASE="$BASE" -v /etc/ssl/certs/ca-certificates.crt:/run/host-ca.crt:ro \
        -t "localhost/crm-local-$name:bookworm" -f "deploy/local/$name.Containerfile" deploy/local >/dev/null
done

work=$(mktemp -d /tmp/crm-compose-check.XXXXXX)
export DOCKER_HOST=unix://$work/podman.sock
compose() { docker-compose -p "$PROJECT" --env-file deploy/compose.env.example "$@"; }
cleanup() {
    status=$?
    trap - EXIT INT TERM
    if [ "$status" != 0 ]; then
        compose logs --no-color --tail=40 >&2 2>/dev/null || true
    fi
    if [ "${COMPOSE_CHECK_KEEP:-0}" = 1 ] && [ "$status" = 0 ]; then
        step "kept running (DOCKER_HOST=$DOCKER_HOST); remove it: DOCKER_HOST=$DOCKER_HOST docker-compose -p $PROJECT --env-file deploy/compose.env.example down --volumes; kill $(cat "$work"/*.pid | tr '\n' ' ')"
        exit 0
    fi
    compose down --volumes --timeout 15 >/dev/null 2>&1 || true
    for pidfile in "$work"/*.pid; do
        [ -e "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT INT TERM

podman system service --time=0 "$DOCKER_HOST" >"$work/podman-service.log" 2>&1 &
echo $! >"$work/podman-service.pid"
"${PY[@]}" -c "
from tests.helpers import wait_until
import os, socket
def up():
    with socket.socket(socket.AF_UNIX) as s:
        return s.connect_ex('$work/podman.sock') == 0
wait_until(up, timeout=30, message='podman system service')"

# podman runs health checks from systemd timers; there is no systemd here, so this loop is the
# timer (every 2 s, every running container of the project that has a health check).
(
    while true; do
        for c in $(podman ps -q --filter "label=com.docker.compose.project=$PROJECT"); do
            podman healthcheck run "$c" >/dev/null 2>&1 || true
        done
        sleep 2
    done
) &
echo $! >"$work/healthchecks.pid"

set -a
. deploy/local/compose.env
. deploy/compose.env.example      # ADMIN_EMAIL / ADMIN_PASSWORD for the probe
read -r GATEWAY_PORT RABBITMQ_MANAGEMENT_PORT PROMETHEUS_PORT < <("${PY[@]}" -c \
    "from tests.helpers import free_port; print(free_port(), free_port(), free_port())")
set +a

services=$(compose config --services | grep -vxF -f <(tr ' ' '\n' <<<"$NOT_LOCAL") | tr '\n' ' ')
step "docker-compose build (deploy/Dockerfile FROM $CRM_BASE_IMAGE)"
old=$(podman image inspect -f '{{.Id}}' crm:latest 2>/dev/null || true)
compose build --quiet migrate
# The image it replaced (if the code changed) would stay behind untagged, one per run.
if [ -n "$old" ] && [ "$old" != "$(podman image inspect -f '{{.Id}}' crm:latest)" ]; then
    podman rmi "$old" >/dev/null 2>&1 || true
fi
step "docker-compose up -d $services"
timeout 900 docker-compose -p "$PROJECT" --env-file deploy/compose.env.example \
    up -d --no-build $services >&2

step "migrate exit status, every service running"
# One container per service (no --scale here): "<service> <exit code> <Up|Exited|...> ...".
states=$(podman ps -a --filter "label=com.docker.compose.project=$PROJECT" \
    --format '{{index .Labels "com.docker.compose.service"}} {{.ExitCode}} {{.State}}')
echo "$states" | sed 's/^/compose-check:   /' >&2
for service in $services; do
    row=$(awk -v s="$service" '$1 == s {print $2, $3}' <<<"$states")      # "<exit code> <state>"
    want="* Up"                             # a pattern: any exit code, running
    [ "$service" = migrate ] && want="0 Exited"
    # shellcheck disable=SC2053
    [[ $row == $want ]] || {
        echo "compose-check: $service is '${row:-missing}', not '$want'" >&2; exit 1; }
done
compose logs --no-color migrate | tail -n 1 >&2

step "probe through the published ports (gateway :$GATEWAY_PORT, Prometheus :$PROMETHEUS_PORT)"
"${PY[@]}" scripts/compose_probe.py "http://127.0.0.1:$GATEWAY_PORT" \
    "http://127.0.0.1:$PROMETHEUS_PORT" "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
step "passed: $services up under podman; not started here: $NOT_LOCAL"
