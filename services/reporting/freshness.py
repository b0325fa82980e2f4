"""How fresh the reports are: the last event applied per source, its occurred_at and the
moment it was applied. Recorded in the applying transaction; the histogram is observed only
after the commit, when the effect really is visible."""
import json
from datetime import datetime

from sqlalchemy import event, select

from services.chassis.db import precompiled
from services.chassis.models import utcnow
from services.reporting import metrics
from services.reporting.models import Freshness, ReportJob
from services.reporting.rollups import insert_binds, pending

COLUMNS = ("source", "event_id", "event_type", "sequence", "occurred_at", "applied_at")


def record(session, envelope):
    """Note the event as the source's latest; written once per transaction (the last event
    noted per source wins, as if each had committed on its own) just before the commit."""
    latest = pending(session, "freshness", _write)
    occurred_at = datetime.fromisoformat(envelope["occurred_at"])
    lags = latest.setdefault(None, [])                    # every event's, for the histogram
    lags.append((envelope["source"], occurred_at))
    latest[envelope["source"]] = {
        "source": envelope["source"], "event_id": envelope["event_id"],
        "event_type": envelope["event_type"], "sequence": envelope["sequence"],
        "occurred_at": occurred_at, "applied_at": utcnow()}


def _upsert(dialect):
    statement = insert_binds(dialect, Freshness, COLUMNS)
    return statement.on_conflict_do_update(
        index_elements=["source"],
        set_={name: statement.excluded[name] for name in COLUMNS if name != "source"})


def _write(session, latest):
    lags = latest.pop(None, [])
    for source in sorted(latest):
        session.execute(precompiled(session, "freshness", _upsert), latest[source])

    @event.listens_for(session, "after_commit", once=True)
    def _visible(_session):
        now = utcnow()
        by_source = {}
        for source, occurred_at in lags:
            by_source.setdefault(source, []).append((now - occurred_at).total_seconds())
        for source, seconds in by_source.items():
            metrics.events_visible(source, seconds)


def _entry(row):
    return {"last_event_at": row.occurred_at.isoformat(), "applied_at": row.applied_at.isoformat(),
            "lag_seconds": round((row.applied_at - row.occurred_at).total_seconds(), 3),
            "sequence": row.sequence}


def read(session):
    """The `freshness` field of every report: the most recently applied event overall (its
    lag and when it was applied), per source, and which rebuilds are still running."""
    rows = list(session.scalars(select(Freshness).order_by(Freshness.source)))
    rebuilding = sorted({name for params in session.scalars(
        select(ReportJob.params).where(ReportJob.kind == "rebuild", ReportJob.status == "running"))
        for name in _projections(params)})
    latest = max(rows, key=lambda row: row.applied_at, default=None)
    summary = _entry(latest) if latest else {"last_event_at": None, "applied_at": None,
                                             "lag_seconds": None, "sequence": None}
    summary.pop("sequence")
    return {**summary, "sources": {row.source: _entry(row) for row in rows},
            "rebuilding": rebuilding}


def _projections(params):
    return json.loads(params or "{}").get("projections", [])
