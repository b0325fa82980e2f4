"""reporting's own Prometheus metrics (module-level: one registry per process; the chassis
exports them on REPORTING_METRICS_PORT with the rest). Event counts by outcome are the
chassis's crm_events_consumed_total{service="reporting"}."""
from datetime import datetime, timezone

from prometheus_client import Gauge, Histogram
from sqlalchemy import func, select

from services.reporting.models import CustomerComposition as Composition
from services.reporting.models import DealStages

SERVICE = "reporting"

FRESHNESS = Histogram(
    "crm_report_freshness_seconds",
    "Time from an event's occurred_at until its effect is committed in the reports",
    ["source"], buckets=(.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400))
CONSUMER_LAG = Gauge(
    "crm_consumer_lag_seconds", "visible_at - occurred_at of the last event a consumer applied",
    ["service", "source"])
CUSTOMERS = Gauge("crm_customers", "Live (not merged) customers")
CUSTOMERS_BY_STAGE = Gauge(
    "crm_customers_by_lifecycle_stage", "Live customers by lifecycle stage", ["lifecycle_stage"])
CUSTOMERS_BY_VALUE_CLASS = Gauge(
    "crm_customers_by_value_class", "Live customers by value class (none: unclassified)",
    ["value_class"])
OPEN_DEALS_BY_STAGE = Gauge("crm_open_deals_by_stage", "Open deals by pipeline stage", ["stage"])
OPEN_PIPELINE = Gauge(
    "crm_open_pipeline_amount", "Open deals' amount (the gauge is a float; reports are exact)",
    ["currency"])
WEIGHTED_PIPELINE = Gauge(
    "crm_weighted_pipeline_amount", "Open deals' amount × stage probability", ["currency"])
RECEIVABLES = Gauge(
    "crm_receivables_outstanding_amount", "Invoices' open balances today (UTC)", ["currency"])
OVERDUE_RECEIVABLES = Gauge(
    "crm_receivables_overdue_amount", "Open balances past their due date today (UTC)",
    ["currency"])
JOBS_RUNNING = Gauge("crm_report_jobs_running", "Rebuild / reconcile jobs running", ["kind"])


def event_visible(source, lag_seconds):
    FRESHNESS.labels(source).observe(max(lag_seconds, 0.0))
    CONSUMER_LAG.labels(SERVICE, source).set(max(lag_seconds, 0.0))


def set_by_label(gauge, label_name, counts, seen):
    """Set every value in `counts`; labels seen before but absent now drop to 0 (not stale)."""
    for label in seen.get(label_name, set()) - set(counts):
        gauge.labels(label).set(0)
    for label, value in counts.items():
        gauge.labels(label).set(value)
    seen[label_name] = set(seen.get(label_name, set())) | set(counts)


def refresh_business_gauges(session, seen):
    """From the composition rollup (a few rows), not from the facts."""
    by_stage = dict(session.execute(select(Composition.lifecycle_stage, func.sum(Composition.count))
                                    .group_by(Composition.lifecycle_stage)).all())
    by_class = dict(session.execute(select(Composition.value_class, func.sum(Composition.count))
                                    .group_by(Composition.value_class)).all())
    set_by_label(CUSTOMERS_BY_STAGE, "lifecycle_stage",
                 {stage or "none": int(n) for stage, n in by_stage.items()}, seen)
    set_by_label(CUSTOMERS_BY_VALUE_CLASS, "value_class",
                 {value or "none": int(n) for value, n in by_class.items()}, seen)
    CUSTOMERS.set(sum(int(n) for n in by_stage.values()))
    _refresh_pipeline(session, seen)
    _refresh_receivables(session, seen)


def _refresh_pipeline(session, seen):
    """From the deal_stages rollup, open deals only."""
    open_ = DealStages.status == "open"
    by_stage = dict(session.execute(select(DealStages.stage, func.sum(DealStages.count))
                                    .where(open_).group_by(DealStages.stage)).all())
    by_currency = session.execute(
        select(DealStages.currency, func.sum(DealStages.amount_cents),
               func.sum(DealStages.weighted_cents)).where(open_).group_by(DealStages.currency)).all()
    set_by_label(OPEN_DEALS_BY_STAGE, "stage", {stage: int(n) for stage, n in by_stage.items()}, seen)
    set_by_label(OPEN_PIPELINE, "currency",
                 {currency or "none": int(amount) / 100 for currency, amount, _w in by_currency}, seen)
    set_by_label(WEIGHTED_PIPELINE, "weighted_currency",
                 {currency or "none": int(weighted) / 100 for currency, _a, weighted in by_currency},
                 seen)


def _refresh_receivables(session, seen):
    """From the invoice and payment facts (one grouped query each): open and overdue balances."""
    from services.reporting.sales_cash import open_balances      # metrics is imported early
    outstanding, overdue = open_balances(session, datetime.now(timezone.utc).date())
    set_by_label(RECEIVABLES, "receivables_currency",
                 {c or "none": cents / 100 for c, cents in outstanding.items()}, seen)
    set_by_label(OVERDUE_RECEIVABLES, "overdue_currency",
                 {c or "none": cents / 100 for c, cents in overdue.items()}, seen)
