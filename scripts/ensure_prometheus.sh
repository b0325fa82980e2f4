#!/usr/bin/env bash
# Makes sure `promtool` and the `prometheus` server are on PATH: the monitoring tests check the
# rules, the dashboards' queries and every service's /metrics with promtool, and start a
# Prometheus of their own (free port, temp storage) against a running system.
#     scripts/ensure_prometheus.sh
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure_apt.sh "the monitoring tests" prometheus:promtool prometheus:prometheus
# systemd enables the unit even when its start was refused: keep it from starting at boot.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1 \
        && systemctl is-enabled prometheus >/dev/null 2>&1; then
    systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
