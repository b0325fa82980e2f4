#!/usr/bin/env bash
# Makes sure `promtool` and the `prometheus` server are on PATH: the monitoring tests check the
# rules, the dashboards' queries and every service's /metrics with promtool, and start a
# Prometheus of their own (free port, temp storage) against a running system.
# Installs Debian's `prometheus` package when it can (root + apt), without letting it start a
# system-wide server: the tests never use one, and it would keep port 9090 for itself.
#     scripts/ensure_prometheus.sh
set -euo pipefail

have_both() { command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; }
as_root() { [ "$(id -u)" = 0 ]; }

if have_both; then
    exit 0
fi
if ! as_root || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_prometheus: promtool / prometheus are not installed; the monitoring tests will fail." >&2
    echo "  Install them:  sudo apt-get install -y --no-install-recommends prometheus" >&2
    echo "  (then, if your system started it: sudo systemctl disable --now prometheus)" >&2
    exit 1
fi

# invoke-rc.d asks /usr/sbin/policy-rc.d whether a package may start its service; 101 = no.
# Put one in place for this install only, unless the machine has its own (containers do).
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# ensure_prometheus.sh: no service starts during its install\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
fi
echo "ensure_prometheus: installing prometheus (apt-get; promtool and the server, not started)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# --no-install-recommends: the recommended node exporter would listen on 9100, the gateway's
# metrics port. The lock timeout lets a concurrent apt run finish first.
apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 prometheus >/dev/null
# systemd enables the unit even when its start is refused: keep it from starting at boot.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
have_both || { echo "ensure_prometheus: installed, but promtool / prometheus are not on PATH" >&2; exit 1; }
echo "ensure_prometheus: $(prometheus --version 2>&1 | head -n1)" >&2
