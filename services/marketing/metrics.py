"""marketing's own Prometheus metrics (module-level; the chassis exports them on
MARKETING_METRICS_PORT with the rest): segment membership changes and the time taken to
re-evaluate contacts, by what triggered it — an event, a segment edit, a static list change or
a relative date reaching its edge; automation runs ended (or scheduled again), by outcome and
reason. Counted when made (a transaction rolled back afterwards is counted too: the counter
says how much work was done)."""
import time
from contextlib import contextmanager

from prometheus_client import Counter, Histogram

CHANGES = Counter("crm_segment_membership_changes_total",
                  "Contacts joining or leaving a segment", ["trigger", "change"])
EVALUATION = Histogram("crm_segment_evaluation_seconds",
                       "Re-evaluating a set of contacts against every segment", ["trigger"],
                       buckets=(.001, .005, .01, .025, .05, .1, .25, .5, 1, 5, 30, 120))
AUTOMATION_RUNS = Counter("crm_automation_runs_total",
                          "Automation rule runs ended (done, skipped, failed) or rescheduled",
                          ["outcome", "reason"])
TRIGGERS = {"segment_created": "segment_edit", "segment_updated": "segment_edit",
            "list_added": "list", "list_removed": "list", "time": "time"}


def trigger(reason):
    return TRIGGERS.get(reason, "event")


@contextmanager
def evaluating(reason):
    started = time.perf_counter()
    try:
        yield
    finally:
        EVALUATION.labels(trigger(reason)).observe(time.perf_counter() - started)


def changed(reason, change):
    CHANGES.labels(trigger(reason), change).inc()


def automation_run(outcome, reason):
    AUTOMATION_RUNS.labels(outcome, reason or "").inc()
