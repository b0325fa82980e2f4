#!/usr/bin/env bash
# Makes sure `kubectl` is on PATH: tests/unit/test_k8s.py renders deploy/k8s's overlays with
# `kubectl kustomize` (offline; no cluster is contacted). Debian 12's kubernetes-client is
# kubectl 1.20 (kustomize 2.0), which the overlays are written for; a newer kubectl already on
# PATH is used as it is.
#     scripts/ensure_kubectl.sh
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure_apt.sh "the Kubernetes manifest tests" kubernetes-client:kubectl
