#!/usr/bin/env bash
# Creates .venv with the project and its pinned dependencies (pyproject.toml).
# Idempotent: a second run with an unchanged pyproject.toml does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
STAMP="$VENV/.installed"

pick_python() {
    # The project pins Python 3.11 (requires-python >=3.11,<3.12).
    local candidate
    for candidate in ${PYTHON:-} python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

as_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
    if as_root && command -v apt-get >/dev/null 2>&1; then
        echo "bootstrap: apt-get install -y $*" >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    else
        return 1
    fi
}

if ! PY=$(pick_python); then
    # Debian 12: python3 is 3.11; Ubuntu 22.04 ships python3.11 as an extra package.
    apt_install python3.11 python3.11-venv 2>/dev/null || apt_install python3 python3-venv || true
    PY=$(pick_python) || {
        echo "bootstrap: Python 3.11 is required (python3.11 or python3 on PATH; set PYTHON=...)." >&2
        echo "  Debian 12: sudo apt-get install -y python3 python3-venv" >&2
        echo "  Ubuntu 22.04: sudo apt-get install -y python3.11 python3.11-venv" >&2
        exit 1
    }
fi

fingerprint=$(sha256sum < pyproject.toml | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$fingerprint" ]; then
    exit 0          # up to date
fi

if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PY" -m venv "$VENV" 2>/dev/null; then
        rm -rf "$VENV"
        apt_install "$(basename "$(readlink -f "$(command -v "$PY")")")-venv" 2>/dev/null || apt_install python3-venv || {
            echo "bootstrap: '$PY -m venv' failed; install the venv module: sudo apt-get install -y python3-venv" >&2
            exit 1
        }
        "$PY" -m venv "$VENV"
    fi
fi

echo "bootstrap: installing the project and its pinned dependencies into $VENV" >&2
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[test]" >&2
echo "$fingerprint" > "$STAMP"
