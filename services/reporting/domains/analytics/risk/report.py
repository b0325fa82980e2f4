"""Churn risk per customer (GET /reports/customers/churn-risk): each live customer in the
caller's scope (a rep: the customers they own; a manager: the team's; admin: all) with its
score 0–100 as of the end of `as_of` (a local date in `tz`, default today) and the factors
that make it (factors.py), highest score first, paged. `now` is injected by the tests."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from services.chassis.validation import load
from services.reporting import periods, scoping, settings
from services.reporting.domains.analytics.risk import factors, gather
from services.reporting.domains.analytics.risk.schemas import ChurnRiskQuery
from services.reporting.domains.customers.models import CustomerFact


def cutoff_of(as_of, tz):
    """The instant the as-of day ends in `tz` (the next local midnight), excluded."""
    return datetime.combine(as_of + timedelta(days=1), time(), tzinfo=ZoneInfo(tz))


def scored(session, where, cutoff):
    """[{customer_id, owner_id, score, factors}] of the live customers `where` selects that
    existed before `cutoff`, highest score first (then by id: a stable page order)."""
    customers = select(CustomerFact.id).where(CustomerFact.merged.is_(False),
                                              CustomerFact.created_at < cutoff, *where)
    owners = dict(session.execute(select(CustomerFact.id, CustomerFact.owner_id)
                                  .where(CustomerFact.id.in_(customers))).all())
    rows = []
    for customer_id, found in gather.signals(session, customers, cutoff).items():
        total, explained = factors.score(found)
        rows.append({"customer_id": customer_id, "owner_id": owners.get(customer_id),
                     "score": total, "factors": explained})
    rows.sort(key=lambda row: (-row["score"], row["customer_id"]))
    return rows


def churn_risk(session, principal, query, now=None):
    query = load(ChurnRiskQuery, query or {})
    tz, threshold = query["tz"], settings.churn_risk_threshold()
    as_of = query.get("as_of") or periods.today_in(tz, now)
    filters, where = scoping.filters(CustomerFact, query, ("owner_id",))
    where.append(scoping.scope(session, principal, CustomerFact.owner_id))
    rows = [row for row in scored(session, where, cutoff_of(as_of, tz))
            if row["score"] >= query["min_score"]]
    for row in rows:
        row["at_risk"] = row["score"] >= threshold
    start = query["offset"]
    page = scoping.label(session, rows[start:start + query["limit"]], ("owner_id",))
    return {"as_of": as_of.isoformat(), "tz": tz, "threshold": threshold,
            "filters": {**filters, "min_score": query["min_score"]}, "total": len(rows),
            "at_risk": sum(row["at_risk"] for row in rows), "rows": page}
