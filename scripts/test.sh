#!/usr/bin/env bash
# Lint, then the whole test suite (unit, contract, integration on SQLite — and on PostgreSQL
# where the dialects differ; TEST_ALL_DIALECTS=1 for every test on both —, e2e).
#     scripts/test.sh                         the whole suite, in parallel shards
#     scripts/test.sh [pytest arguments]      e.g. scripts/test.sh tests/e2e -x
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
# ruff (pinned in pyproject.toml, configured in [tool.ruff]) over the whole repository, whatever
# the pytest arguments: a finding fails the run before any test starts (CI runs `make test`).
.venv/bin/ruff check --quiet .
eval "$(scripts/ensure_rabbitmq.sh --management)"     # exports only when it falls back
export PGPASSWORD=${PGPASSWORD:-postgres}     # ignored where PostgreSQL trusts local TCP
scripts/ensure_postgres.sh
# promtool + prometheus for the monitoring tests; if they cannot be installed here those tests
# fail saying so (tests/prometheus_tools.py) — the rest of the suite still runs.
scripts/ensure_prometheus.sh || true
# kubectl for the Kubernetes manifest tests (tests/unit/test_k8s.py): the same rule.
scripts/ensure_kubectl.sh || true
# Chromium for the browser tests (tests/integration/gateway/test_docs_browser.py, the console's
# tests/e2e/test_console_browser.py — driven through Debian's chromedriver; a Chinese font so
# the 简体中文 screenshots are legible): the same rule.
scripts/ensure_apt.sh "the browser tests" chromium:chromium chromium-driver:chromedriver \
    fonts-wqy-microhei:/usr/share/fonts/truetype/wqy/wqy-microhei.ttc || true
# Debian's docker-compose (1.29) validates docker-compose.yml (tests/unit/test_compose.py): the same rule.
scripts/ensure_apt.sh "the compose validation" docker-compose:docker-compose || true
# Redis for the rate limit shared across gateway replicas (tests/integration/gateway/
# test_shared_rate_limit.py): the machine's, else Debian's redis-server started by the project
# (var/redis/) — exports TEST_REDIS_URL; the same rule.
eval "$(scripts/ensure_redis.sh)" || true

# No arguments: the whole suite in TEST_SHARDS (default 3) pytest processes at once, each over its
# own share of the files (scripts/test_shards.py says why not pytest-xdist); arguments: one pytest.
if [ "$#" -eq 0 ]; then
    exec .venv/bin/python scripts/test_shards.py
fi
exec .venv/bin/pytest "$@"
