"""webhooks' own Prometheus metrics (module-level; the chassis exports them on
WEBHOOKS_METRICS_PORT with the rest): attempts by outcome, their latency, the backlog."""
from prometheus_client import Counter, Gauge, Histogram

ATTEMPTS = Counter("crm_webhook_attempts_total", "Webhook POSTs by outcome", ["outcome"])
LATENCY = Histogram("crm_webhook_attempt_seconds", "Webhook POST latency (any outcome)",
                    buckets=(.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30))
PENDING = Gauge("crm_webhook_deliveries_pending", "Deliveries waiting to be sent (active "
                "subscriptions)")
OLDEST = Gauge("crm_webhook_oldest_pending_age_seconds", "Age of the oldest pending delivery")


def attempted(ok, latency_ms):
    ATTEMPTS.labels("succeeded" if ok else "failed").inc()
    LATENCY.observe(latency_ms / 1000)


def backlog(count, oldest_age):
    PENDING.set(count)
    OLDEST.set(oldest_age)
