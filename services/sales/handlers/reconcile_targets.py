"""This service's live targets, for reporting's reconciliation of target attainment (admin /
system only): keyset pages by id stamped with the event sequence read before the rows, as
deal_facts (handlers/reconcile.py)."""
from sqlalchemy import select

from services.chassis import pagination
from services.chassis.models import EventSequence
from services.sales.handlers import target_attainment as attainment
from services.sales.handlers.reconcile import _after, _page_size
from services.sales.models_targets import SalesTarget

SCOPE = "reconcile:targets"


def target_facts(session, cursor=None, limit=500):
    size, start = _page_size(limit), _after(cursor, SCOPE)
    sequence = session.scalar(select(EventSequence.last).where(EventSequence.id == 1)) or 0
    query = select(SalesTarget)
    if start:
        query = query.where(SalesTarget.id > start)
    rows = list(session.scalars(query.order_by(SalesTarget.id).limit(size + 1)))
    more, rows = len(rows) > size, rows[:size]
    items = []
    for row in rows:
        above = attainment.parent(session, row)
        items.append({"id": row.id, "period_kind": row.period_kind,
                      "period_start": row.period_start.isoformat(),
                      "period_end": row.period_end.isoformat(), "scope": row.scope,
                      "scope_value": row.scope_value or None, "measure": row.measure,
                      "amount": str(row.amount), "currency": row.currency,
                      "parent_id": above.id if above else None})
    next_cursor = pagination.encode_cursor([rows[-1].id], SCOPE) if more else None
    return {"items": items, "next_cursor": next_cursor, "sequence": sequence}
