"""This service's own deal data, for reporting's reconciliation (admin / system only): the facts
every sales KPI is computed from — stage and its kind, current probability, owner, amount,
currency, created and closed times.

Keyset pages by id, each stamped with this service's event sequence read before its rows: if
every page carries the same sequence and no event follows it, nothing changed while the pages
were read and the caller compares a consistent snapshot (services/reporting/reconcile.py).
"""
from sqlalchemy import select

from services.chassis import pagination
from services.chassis.errors import Invalid
from services.chassis.models import EventSequence
from services.sales.models import Deal, PipelineStage

MAX_PAGE = 1000
SCOPE = "reconcile:deals"


def _page_size(limit):
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise Invalid("The request is not valid.", {"limit": [f"An integer 1..{MAX_PAGE}."]})
    return limit


def _after(cursor, scope=SCOPE):
    if cursor is None:
        return None
    if not isinstance(cursor, str):
        raise Invalid("The cursor is not valid.", {"cursor": ["Expected a string."]})
    return str(pagination.decode_cursor(cursor, scope)[0])


def deal_facts(session, cursor=None, limit=500):
    size, start = _page_size(limit), _after(cursor)
    sequence = session.scalar(select(EventSequence.last).where(EventSequence.id == 1)) or 0
    query = (select(Deal.id, Deal.owner_id, Deal.stage, PipelineStage.kind,
                    PipelineStage.probability, Deal.amount, Deal.currency, Deal.created_at,
                    Deal.closed_at)
             .join(PipelineStage, PipelineStage.key == Deal.stage))
    if start:
        query = query.where(Deal.id > start)
    rows = session.execute(query.order_by(Deal.id).limit(size + 1)).all()
    more, rows = len(rows) > size, rows[:size]
    items = [{"id": row.id, "owner_id": row.owner_id, "stage": row.stage, "status": row.kind,
              "probability": row.probability, "amount": str(row.amount),
              "currency": row.currency, "created_at": row.created_at.isoformat(),
              "closed_at": row.closed_at.isoformat() if row.closed_at else None}
             for row in rows]
    next_cursor = pagination.encode_cursor([rows[-1].id], SCOPE) if more else None
    return {"items": items, "next_cursor": next_cursor, "sequence": sequence}
