"""Stage-to-stage conversion, time in stage and the sales cycle, from each deal's stage
entries (its creation in the first stage, then every deal_stage_changed at its business
`changed_at`), in time order. Scoped on the deal's current owner like every sales report;
`from` / `to` select the cohort of deals created then (local dates in `tz`).

- conversion: of the deals that entered X, how many went to Y next (the move right after
  their first entry into X) and how many reached Y at any time after it;
- time in stage: how long each completed stay lasted (until the next entry); a deal's current
  stage is still running and not counted;
- sales cycle: first stage entered → closed, for the deals closed now.
"""
from collections import Counter
from datetime import datetime, timezone
from statistics import median

from sqlalchemy import select

from services.chassis.validation import load
from services.reporting import periods, scoping
from services.reporting.domains.sales import schemas
from services.reporting.domains.sales.models import DealFact, DealStageEntry
from services.reporting.domains.sales.queries.cuts import owner_filters

DAY_SECONDS = 86400


def _rate(part, whole):
    return round(part / whole, 4) if whole else None


def _histories(session, principal, query, now=None):
    """({deal id: [(stage, entered_at), ...] in time order}, {deal id: (status, closed_at)},
    filters, period or None)."""
    filters, where = scoping.filters(DealFact, query, ("owner_id",))
    more, owner_where = owner_filters(query, DealFact.owner_id)
    filters.update(more)
    period = None
    if "from_" in query or "to" in query:
        period = periods.period({**query, "granularity": "total"}, now=now)
        first, last = (datetime.fromtimestamp(b, timezone.utc) for b in period.utc_bounds())
        where += [DealFact.created_at >= first, DealFact.created_at < last]
    rows = session.execute(
        select(DealStageEntry.deal_id, DealStageEntry.to_stage, DealStageEntry.entered_at,
               DealFact.status, DealFact.closed_at)
        .join(DealFact, DealFact.id == DealStageEntry.deal_id)
        .where(DealFact.created_at.is_not(None),
               scoping.scope(session, principal, DealFact.owner_id), *where, *owner_where)
        .order_by(DealStageEntry.deal_id, DealStageEntry.entered_at, DealStageEntry.sequence))
    histories, closes = {}, {}
    for deal_id, stage, entered_at, status, closed_at in rows:
        histories.setdefault(deal_id, []).append((stage, entered_at))
        closes[deal_id] = (status, closed_at)
    return histories, closes, filters, period


def _envelope(filters, period, rows, **more):
    return {"filters": filters, "period": period.as_dict() if period else None, "rows": rows,
            **more}


def conversion(session, principal, query, now=None):
    query = load(schemas.StageQuery, query or {})
    histories, _closes, filters, period = _histories(session, principal, query, now)
    entered, next_, ever = Counter(), Counter(), Counter()
    for history in histories.values():
        stages = [stage for stage, _at in history]
        for index, stage in enumerate(stages):
            if stage in stages[:index]:
                continue                     # only the first entry into a stage counts
            entered[stage] += 1
            if index + 1 < len(stages):
                next_[(stage, stages[index + 1])] += 1
            for later in set(stages[index + 1:]) - {stage}:
                ever[(stage, later)] += 1
    rows = [{"from_stage": x, "to_stage": y, "entered": entered[x], "next": next_[(x, y)],
             "next_rate": _rate(next_[(x, y)], entered[x]), "ever": ever[(x, y)],
             "ever_rate": _rate(ever[(x, y)], entered[x])}
            for x, y in sorted(set(next_) | set(ever))]
    return _envelope(filters, period, rows, deals=len(histories),
                     stages=[{"stage": s, "entered": n} for s, n in sorted(entered.items())])


def _measures(seconds):
    if not seconds:
        return {"count": 0, "average_seconds": None, "median_seconds": None,
                "average_days": None, "median_days": None}
    average, middle = sum(seconds) / len(seconds), median(seconds)
    return {"count": len(seconds), "average_seconds": round(average, 1),
            "median_seconds": round(middle, 1), "average_days": round(average / DAY_SECONDS, 4),
            "median_days": round(middle / DAY_SECONDS, 4)}


def time_in_stage(session, principal, query, now=None):
    query = load(schemas.StageQuery, query or {})
    histories, closes, filters, period = _histories(session, principal, query, now)
    stays, cycles = {}, {"won": [], "lost": []}
    for deal_id, history in histories.items():
        for (stage, entered_at), (_next, left_at) in zip(history, history[1:]):
            stays.setdefault(stage, []).append((left_at - entered_at).total_seconds())
        status, closed_at = closes[deal_id]
        if status in cycles and closed_at is not None:
            cycles[status].append((closed_at - history[0][1]).total_seconds())
    rows = [{"stage": stage, **_measures(seconds)} for stage, seconds in sorted(stays.items())]
    return _envelope(filters, period, rows, deals=len(histories), sales_cycle={
        "won": _measures(cycles["won"]), "lost": _measures(cycles["lost"]),
        "closed": _measures(cycles["won"] + cycles["lost"])})
