"""Events into reporting: freshness while writes run, and the sustained consumption rate.

Both come from the two databases, not from probes: the customers service stamps every event
`occurred_at` in its outbox (in the writing transaction), and the reporting service's
`projection_inbox` stamps `processed_at` when a projection applies the event (same transaction
as its effect; one row per projection that consumes it). Freshness = the last projection's
processed_at - occurred_at for every event written in the window: when every report shows it.
"""
import statistics
import time
from datetime import datetime, timezone

from sqlalchemy import func, select

from services.chassis.db import make_engine
from services.chassis.models import OutboxEvent
from services.reporting.models import ProjectionInbox

OUTBOX, INBOX = OutboxEvent.__table__, ProjectionInbox.__table__


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def applied_count(reporting_url):
    engine = make_engine(reporting_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(INBOX)
                                     .where(INBOX.c.source == "customers"))
    finally:
        engine.dispose()


def wait_drained(reporting_url, quiet=3.0, limit=120.0, at_least=0):
    """Until reporting's inbox holds `at_least` rows and stops growing for `quiet` seconds (or
    `limit`): a restarted reporting may take longer than `quiet` to start consuming."""
    started, last, last_change = time.monotonic(), -1, time.monotonic()
    while time.monotonic() - started < limit:
        now = applied_count(reporting_url)
        if now != last:
            last, last_change = now, time.monotonic()
        elif time.monotonic() - last_change >= quiet and now >= at_least:
            break
        time.sleep(0.5)
    return last


def events_between(customers_url, reporting_url, start, end):
    """[(event_type, occurred_at, processed_at or None)] for customers events in the window:
    the outbox rows of the window, then the last projection's processed_at of each (two
    databases, joined here: on PostgreSQL they are separate databases)."""
    low, high = (datetime.fromtimestamp(moment, timezone.utc) for moment in (start, end))
    customers, reporting = make_engine(customers_url), make_engine(reporting_url)
    try:
        with customers.connect() as connection:
            written = connection.execute(
                select(OUTBOX.c.event_id, OUTBOX.c.event_type, OUTBOX.c.occurred_at)
                .where(OUTBOX.c.occurred_at >= low, OUTBOX.c.occurred_at <= high)).all()
        with reporting.connect() as connection:
            processed = dict(connection.execute(
                select(INBOX.c.event_id, func.max(INBOX.c.processed_at))
                .where(INBOX.c.source == "customers", INBOX.c.processed_at >= low)
                .group_by(INBOX.c.event_id)).all())
    finally:
        customers.dispose()
        reporting.dispose()
    return [(kind, occurred.timestamp(),
             processed[event_id].timestamp() if event_id in processed else None)
            for event_id, kind, occurred in written]


def freshness(rows):
    """Percentiles of processed - occurred (s). Event types reporting never applied in the
    window are taken as not consumed by it (ignored types leave no inbox row)."""
    consumed_types = {kind for kind, _, processed in rows if processed is not None}
    relevant = [row for row in rows if row[0] in consumed_types]
    lags = [processed - occurred for _, occurred, processed in relevant if processed is not None]
    return {
        "events": len(relevant), "applied": len(lags), "missing": len(relevant) - len(lags),
        "types": sorted(consumed_types),
        "ignored_types": sorted({kind for kind, _, _ in rows} - consumed_types),
        "p50_s": percentile(lags, 50), "p95_s": percentile(lags, 95),
        "p99_s": percentile(lags, 99), "max_s": max(lags) if lags else None,
        "mean_s": statistics.fmean(lags) if lags else None,
    }


def drain_rate(rows):
    """Events/s at which a backlog was applied: applied events over their processed_at span."""
    processed = sorted(p for _, _, p in rows if p is not None)
    if len(processed) < 2:
        return {"applied": len(processed), "events_per_s": None}
    span = processed[-1] - processed[0]
    return {"applied": len(processed), "span_s": span,
            "events_per_s": (len(processed) - 1) / span if span > 0 else None}
