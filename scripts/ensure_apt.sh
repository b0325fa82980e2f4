#!/usr/bin/env bash
# Makes sure the named commands are on PATH, installing their Debian packages when it can
# (root + apt) without letting a package start a system-wide service: the tests start what they
# need on ports of their own.
#     scripts/ensure_apt.sh WHY PACKAGE:COMMAND...     e.g. chromium:chromium
# A COMMAND starting with / is a file the package installs (a font has no command).
# Exits 1, naming the install command, when a command is missing and cannot be installed.
set -euo pipefail

why=$1; shift
present() { case $1 in /*) [ -e "$1" ] ;; *) command -v "$1" >/dev/null 2>&1 ;; esac; }
missing=()
for pair in "$@"; do
    present "${pair#*:}" || missing+=("${pair%%:*}")
done
[ "${#missing[@]}" -eq 0 ] && exit 0
packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_apt: ${packages}not installed; ${why} will fail." >&2
    echo "  Install:  sudo apt-get install -y --no-install-recommends ${packages}" >&2
    exit 1
fi

# invoke-rc.d asks /usr/sbin/policy-rc.d whether a package may start its service; 101 = no.
# Put one in place for this install only, unless the machine has its own (containers do).
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# scripts/ensure_apt.sh: no service starts during its install\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
fi
echo "ensure_apt: installing ${packages}(apt-get, for ${why})" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# --no-install-recommends: recommended extras can bring services (prometheus recommends a node
# exporter on 9100, the gateway's metrics port). The lock timeout lets a concurrent apt finish.
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 $packages >/dev/null
for pair in "$@"; do
    present "${pair#*:}" || {
        echo "ensure_apt: installed ${pair%%:*}, but ${pair#*:} is not on PATH" >&2; exit 1; }
done
