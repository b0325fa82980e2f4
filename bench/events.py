"""Events into reporting: freshness while writes run, and the sustained consumption rate.

Both come from the two databases, not from probes: the customers service stamps every event
`occurred_at` in its outbox (in the writing transaction), and the reporting service's
`projection_inbox` stamps `processed_at` when a projection applies the event (same transaction
as its effect; one row per projection that consumes it). Freshness = the last projection's
processed_at - occurred_at for every event written in the window: when every report shows it.
"""
import sqlite3
import statistics
import time
from datetime import datetime, timezone


def _ts(value):
    moment = datetime.fromisoformat(value)
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def _db_time(moment):
    """A Unix time as SQLAlchemy stores UtcDateTime in SQLite (naive UTC, microseconds)."""
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def _connect(customers_db, reporting_db):
    connection = sqlite3.connect(f"file:{customers_db}?mode=ro", uri=True, timeout=30)
    connection.execute("ATTACH DATABASE ? AS r", (f"file:{reporting_db}?mode=ro",))
    return connection


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def applied_count(customers_db, reporting_db):
    connection = _connect(customers_db, reporting_db)
    try:
        return connection.execute(
            "SELECT count(*) FROM r.projection_inbox WHERE source = 'customers'").fetchone()[0]
    finally:
        connection.close()


def wait_drained(customers_db, reporting_db, quiet=3.0, limit=120.0):
    """Until reporting's inbox stops growing for `quiet` seconds (or `limit`)."""
    started, last, last_change = time.monotonic(), -1, time.monotonic()
    while time.monotonic() - started < limit:
        now = applied_count(customers_db, reporting_db)
        if now != last:
            last, last_change = now, time.monotonic()
        elif time.monotonic() - last_change >= quiet:
            break
        time.sleep(0.5)
    return last


def events_between(customers_db, reporting_db, start, end):
    """[(event_type, occurred_at, processed_at or None)] for customers events in the window."""
    connection = _connect(customers_db, reporting_db)
    try:
        rows = connection.execute(
            "SELECT o.event_type, o.occurred_at, i.processed_at FROM outbox o "
            "LEFT JOIN (SELECT event_id, max(processed_at) AS processed_at "
            "FROM r.projection_inbox WHERE source = 'customers' GROUP BY event_id) i "
            "ON i.event_id = o.event_id "
            "WHERE o.occurred_at >= ? AND o.occurred_at <= ?",
            (_db_time(start), _db_time(end))).fetchall()
    finally:
        connection.close()
    return [(kind, _ts(occurred), _ts(processed) if processed else None)
            for kind, occurred, processed in rows]


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
