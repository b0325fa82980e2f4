"""reporting's own Prometheus metrics (module-level: one registry per process; the chassis
exports them on REPORTING_METRICS_PORT with the rest). Event counts by outcome are the
chassis's crm_events_consumed_total{service="reporting"}; each domain's business gauges are in
its gauges.py (refreshed by gauges.py here)."""
from prometheus_client import Counter, Gauge, Histogram

from services.chassis.metrics import CATCH_UP_FAILURES, CONSUMER_LAG

SERVICE = "reporting"

FRESHNESS = Histogram(
    "crm_report_freshness_seconds",
    "Time from an event's occurred_at until its effect is committed in the reports",
    ["source"], buckets=(.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400))
JOBS_RUNNING = Gauge("crm_report_jobs_running", "Rebuild / reconcile jobs running", ["kind"])
JOBS_FINISHED = Counter("crm_report_jobs_total", "Rebuild / reconcile jobs finished, by outcome",
                        ["kind", "outcome"])


def catch_up_failed(source):
    CATCH_UP_FAILURES.labels(SERVICE, source).inc()


def events_visible(source, lags_seconds):
    """A committed batch's events of `source`, in order: each lag observed, the last one the
    gauge's (the labelled children looked up once, not once per event)."""
    histogram, gauge = FRESHNESS.labels(source), CONSUMER_LAG.labels(SERVICE, source)
    for lag in lags_seconds:
        histogram.observe(max(lag, 0.0))
    if lags_seconds:
        gauge.set(max(lags_seconds[-1], 0.0))


def set_by_label(gauge, label_name, counts, seen):
    """Set every value in `counts`; labels seen before but absent now drop to 0 (not stale).
    `seen` is keyed by `label_name`, so give each gauge its own. A gauge of several labels is
    given tuples of their values as keys."""
    def labelled(label):
        return gauge.labels(*label) if isinstance(label, tuple) else gauge.labels(label)
    for label in seen.get(label_name, set()) - set(counts):
        labelled(label).set(0)
    for label, value in counts.items():
        labelled(label).set(value)
    seen[label_name] = set(seen.get(label_name, set())) | set(counts)
