"""The customer reports: sums over rollup rows, scoped like the source service's own lists.

Customer KPIs are scoped on the customer's current owner (services.chassis.auth.owner_scope,
with a manager's team from the local users copy), exactly as customers scopes its lists — so
a rep's report covers only their own customers. Interaction activity is scoped on the rep who
logged it: a rep sees their own activity, a manager their team's, admin, marketer and agent all.
"""
from sqlalchemy import func, select

from services.chassis.validation import load
from services.reporting import periods, rollups
from services.reporting.domains.customers import schemas
from services.reporting.domains.customers.models import (CustomerComposition,
                                                         InteractionActivity, NewCustomers)
from services.reporting.scoping import filters as _filters, label as _label, scope as _scope
from services.reporting.scoping import sort_key as _sort_key


def composition(session, principal, query, now=None):
    query = load(schemas.CompositionQuery, query or {})
    group_by = query["group_by"]
    filters, where = _filters(CustomerComposition, query, schemas.CUSTOMER_DIMENSIONS)
    columns = [getattr(CustomerComposition, name) for name in group_by]
    result = session.execute(
        select(*columns, func.sum(CustomerComposition.count))
        .where(_scope(session, principal, CustomerComposition.owner_id), *where)
        .group_by(*columns))
    rows = [{**{name: rollups.from_key(value) for name, value in zip(group_by, values)},
             "count": int(count)} for *values, count in result if count]
    rows.sort(key=_sort_key(group_by))
    return {"group_by": group_by, "filters": filters, "rows": _label(session, rows, group_by),
            "total": sum(row["count"] for row in rows)}


def _series(session, principal, model, owner_column, query, dimensions, now=None):
    period = periods.period(query, now=now)
    group_by = query["group_by"]
    filters, where = _filters(model, query, dimensions)
    first, last = period.utc_bounds()
    columns = [getattr(model, name) for name in group_by]
    result = session.execute(
        select(model.bucket, *columns, func.sum(model.count))
        .where(model.bucket >= first, model.bucket < last,
               _scope(session, principal, owner_column), *where)
        .group_by(model.bucket, *columns))
    totals = {}
    for bucket, *values, count in result:
        key = (period.label(bucket), *(rollups.from_key(value) for value in values))
        totals[key] = totals.get(key, 0) + int(count)
    if not group_by:                  # a plain series: every period, zero or not
        for label in period.labels():
            totals.setdefault((label,), 0)
    rows = [{"period": key[0].isoformat(), **dict(zip(group_by, key[1:])), "count": count}
            for key, count in totals.items() if count or not group_by]
    rows.sort(key=_sort_key(group_by))
    return {"period": period.as_dict(), "group_by": group_by, "filters": filters,
            "rows": _label(session, rows, group_by), "total": sum(row["count"] for row in rows)}


def new_customers(session, principal, query, now=None):
    query = load(schemas.NewCustomersQuery, query or {})
    return _series(session, principal, NewCustomers, NewCustomers.owner_id, query,
                   schemas.CUSTOMER_DIMENSIONS, now)


def interaction_activity(session, principal, query, now=None):
    query = load(schemas.InteractionsQuery, query or {})
    return _series(session, principal, InteractionActivity, InteractionActivity.user_id, query,
                   schemas.INTERACTION_DIMENSIONS, now)
