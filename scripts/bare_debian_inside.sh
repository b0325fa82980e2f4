#!/usr/bin/env bash
# Run by scripts/bare_debian_check.sh inside a bare Debian 12 container, as root, in a copy of
# the repository: the README's prerequisites, then `make run` until it is ready, then Ctrl-C.
# Uses only what minbase has (bash, coreutils) and what the README installs.
set -euo pipefail

step() { echo "bare-debian-check: [$((SECONDS))s] $*" >&2; }

step "the README's prerequisites: apt-get install -y make git python3-venv"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq make git python3-venv >/tmp/apt.log 2>&1 || { tail -n 30 /tmp/apt.log >&2; exit 1; }

step "make run (LOAD_DEMO=0: the demo load is the same code the e2e tests run)"
LOG=/tmp/make-run.log
LOAD_DEMO=0 setsid make run >"$LOG" 2>&1 &
RUN=$!
deadline=$((SECONDS + ${BARE_CHECK_RUN_TIMEOUT:-900}))
until grep -q "CRM is running" "$LOG"; do
    if ! kill -0 "$RUN" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
        tail -n 80 "$LOG" >&2
        step "FAILED: make run did not print its banner"
        exit 1
    fi
    sleep 2
done
trap 'tail -n 60 "$LOG" >&2; step FAILED' ERR
.venv/bin/python - <<'EOF'
import urllib.request
assert urllib.request.urlopen("http://localhost:8000/ready", timeout=10).status == 200
EOF
step "make run printed its banner; /ready answers 200"

step "Ctrl-C (SIGINT to make run's process group)"
kill -INT -- "-$RUN"
stop_deadline=$((SECONDS + 60))
while kill -0 "$RUN" 2>/dev/null; do
    if [ "$SECONDS" -ge "$stop_deadline" ]; then
        step "FAILED: make run did not stop within 60 s of Ctrl-C"
        exit 1
    fi
    sleep 1
done
left=$(for proc in /proc/[0-9]*; do
    tr '\0' ' ' <"$proc/cmdline" 2>/dev/null | grep -E "nameko run|supervisord|terminal_log" || true
done)
if [ -n "$left" ]; then
    echo "$left" >&2
    step "FAILED: processes left after Ctrl-C"
    exit 1
fi
step "stopped cleanly: no service process left"
if grep -qF "$(grep ^ADMIN_PASSWORD var/secrets.env | cut -d= -f2)" "$LOG"; then
    step "FAILED: the admin password is in make run's output"
    exit 1
fi

if [ "${BARE_CHECK_TEST:-0}" = 1 ]; then
    step "make test"
    make test
fi
step "passed"
