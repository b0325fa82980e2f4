#!/usr/bin/env bash
# `make bare-debian-check`: the README's quick start on a bare Debian 12, proven in a container.
#
# Builds (once, then cached; scripts/debian_base_image.sh) a minimal Debian 12 image from Debian's
# own packages — debootstrap --variant=minbase, imported into podman: no registry, no Docker Hub —,
# copies this working tree in (tracked files, as they are now, not .venv or var/), and inside it
# runs exactly what the README tells a new user:
#     apt-get install -y make git python3-venv
#     make run            # until /ready answers 200 and the banner is printed, then Ctrl-C
# and checks that Ctrl-C stopped every service. `make run` installs the rest by itself
# (virtualenv, RabbitMQ). With BARE_CHECK_TEST=1 it also runs `make test` (~10 min more).
# Needs root (rootful podman; runc, as crun fails on this kernel's cgroups). Measured: 11 min with
# the base image cached, on a 2-core machine under a load of ~20 (apt + pip ~3 min, first start).
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" = 0 ] || { echo "bare-debian-check: needs root (rootful podman)" >&2; exit 1; }
# podman, runc, debootstrap and the base image (BARE_CHECK_IMAGE / BARE_CHECK_MIRROR still work).
IMAGE=$(scripts/debian_base_image.sh)

# The machine's CA bundle goes in as a file the container's pip and apt may use: some networks
# (a proxy that inspects TLS) need their own CA, which a bare Debian does not have. It adds
# trust, not software: the container still has only what minbase and the README install.
ca_args=()
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    ca_args=(-v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/host-ca.crt:ro
             -e PIP_CERT=/etc/ssl/host-ca.crt)
fi

started=$SECONDS
git ls-files -z --cached --others --exclude-standard |
    tar --null -T - --ignore-failed-read -c |
    podman --runtime runc run --rm -i --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 \
        "${ca_args[@]}" -e BARE_CHECK_TEST="${BARE_CHECK_TEST:-0}" "$IMAGE" \
        bash -c "mkdir -p /root/crm && tar -x -C /root/crm && cd /root/crm && exec bash scripts/bare_debian_inside.sh" ||
    { status=$?; echo "bare-debian-check: FAILED (exit status $status) after $((SECONDS - started)) s" >&2; exit "$status"; }
echo "bare-debian-check: passed in $((SECONDS - started)) s (base image: $IMAGE)"
