"""What `make compose-check` (scripts/compose_check.sh) asks of the running compose stack, through
its published ports only, as a user would:

    .venv/bin/python scripts/compose_probe.py GATEWAY_URL PROMETHEUS_URL ADMIN_EMAIL ADMIN_PASSWORD

1. the gateway's /ready answers 200 (every service behind it answers over RabbitMQ and reaches
   its database);
2. the admin made by the migrate step logs in, creates a customer and reads it back;
3. Prometheus has every scrape job of deploy/prometheus.yml — each service of the registry,
   RabbitMQ's plugin, itself — with every target up.
Exit status 1 with what was last seen when one of them does not happen before its deadline.
"""
import sys
import uuid
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services import registry  # noqa: E402
from tests.e2e.client import Api  # noqa: E402
from tests.helpers import wait_until  # noqa: E402

# Services start in a cold container on a loaded 2-core machine; Prometheus scrapes every 15 s.
READY_SECONDS = 300
TARGETS_SECONDS = 120


def ready(gateway):
    def answered():
        try:
            response = requests.get(f"{gateway}/ready", timeout=10)
        except requests.RequestException:       # not listening yet: the container is starting
            return None
        return response if response.status_code == 200 else None

    response = wait_until(answered, timeout=READY_SECONDS, interval=2, message=f"{gateway}/ready → 200")
    print(f"compose-probe: GET /ready → 200 {response.text.strip()[:300]}")


def customer_round_trip(gateway, email, password):
    admin = Api(gateway).login(email, password)
    name = f"Compose check {uuid.uuid4().hex[:8]}"
    created = admin.ok("POST", "customers", json={"name": name}, expect=201)
    read = admin.ok("GET", f"customers/{created['id']}", expect=200)
    assert (read["id"], read["name"]) == (created["id"], name), read
    print(f"compose-probe: logged in as {email}, created and read back customer {read['id']} ({name})")


def targets_up(prometheus):
    # rabbitmq-queues: the broker's per-queue depths (/metrics/detailed), for CrmDeadLetters
    expected = set(registry.names()) | {"rabbitmq", "rabbitmq-queues", "prometheus"}
    seen = {}

    def all_up():
        body = requests.get(f"{prometheus}/api/v1/targets", timeout=10).json()
        seen.clear()
        for target in body["data"]["activeTargets"]:
            seen.setdefault(target["labels"]["job"], []).append(target["health"])
        return set(seen) == expected and all(h == "up" for states in seen.values() for h in states)

    wait_until(all_up, timeout=TARGETS_SECONDS, interval=2,
               message=f"every Prometheus target up ({sorted(expected)}); seen {seen}")
    print(f"compose-probe: Prometheus targets all up: {dict(sorted(seen.items()))}")


def main(gateway, prometheus, email, password):
    ready(gateway)
    customer_round_trip(gateway, email, password)
    targets_up(prometheus)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
