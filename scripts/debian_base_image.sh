#!/usr/bin/env bash
# Makes sure podman can run containers here and that the local Debian 12 base image exists;
# prints its name. Shared by `make bare-debian-check` and `make compose-check`.
#     IMAGE=$(scripts/debian_base_image.sh)
#
# No registry is reachable from these machines, so the base is built from Debian's own packages
# (debootstrap --variant=minbase bookworm, from the mirror apt uses) and imported into podman —
# once, then cached (`podman rmi` it to rebuild). Needs root: rootful podman, with the runc
# runtime (crun fails on this kernel's hybrid cgroups) — callers pass `--runtime runc` or
# deploy/local/containers.conf.
#     DEBIAN_BASE_IMAGE   the image's name (localhost/crm-debian-base:bookworm)
#     DEBIAN_MIRROR       the mirror (default: the one in /etc/apt/sources.list.d/debian.sources)
set -euo pipefail

IMAGE=${DEBIAN_BASE_IMAGE:-${BARE_CHECK_IMAGE:-localhost/crm-debian-base:bookworm}}
MIRROR=${DEBIAN_MIRROR:-${BARE_CHECK_MIRROR:-$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)$/\1/p' \
    /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)}}
MIRROR=${MIRROR:-http://deb.debian.org/debian}

[ "$(id -u)" = 0 ] || { echo "debian_base_image: needs root (rootful podman)" >&2; exit 1; }
missing=()
for tool in podman runc debootstrap; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "debian_base_image: apt-get install -y podman runc debootstrap" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq -o DPkg::Lock::Timeout=300 podman runc debootstrap >/dev/null
fi

if ! podman image exists "$IMAGE"; then
    rootfs=$(mktemp -d)
    trap 'rm -rf "$rootfs"' EXIT
    echo "debian_base_image: building $IMAGE (debootstrap --variant=minbase bookworm, ~1 min)" >&2
    debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >/dev/null
    tar -C "$rootfs" -c . | podman import - "$IMAGE" >/dev/null
fi
echo "$IMAGE"
