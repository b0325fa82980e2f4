"""This service's own deal lines and stage history, for reporting's reconciliation of the
product cuts, stage conversion and time in stage (admin / system only). Keyset pages by deal
id, stamped with the event sequence read before the rows (like reconcile.deal_facts)."""
from sqlalchemy import select

from services.chassis import pagination
from services.chassis.errors import Invalid
from services.chassis.models import EventSequence
from services.sales.handlers.reconcile import _page_size
from services.sales.models import Deal, DealLine, DealStageChange

SCOPE = "reconcile:deal-history"


def deal_history(session, cursor=None, limit=500):
    size = _page_size(limit)
    after = None if cursor is None else _after_history(cursor)
    sequence = session.scalar(select(EventSequence.last).where(EventSequence.id == 1)) or 0
    query = select(Deal.id)
    if after:
        query = query.where(Deal.id > after)
    ids = list(session.scalars(query.order_by(Deal.id).limit(size + 1)))
    more, ids = len(ids) > size, ids[:size]
    items = {deal_id: {"id": deal_id, "lines": [], "stages": []} for deal_id in ids}
    if ids:
        for line in session.scalars(select(DealLine).where(DealLine.deal_id.in_(ids))
                                    .order_by(DealLine.deal_id, DealLine.position)):
            items[line.deal_id]["lines"].append({
                "position": line.position, "product_id": line.product_id,
                "product_name": line.product_name, "total": str(line.total)})
        for change in session.scalars(select(DealStageChange)
                                      .where(DealStageChange.deal_id.in_(ids))
                                      .order_by(DealStageChange.deal_id, DealStageChange.id)):
            items[change.deal_id]["stages"].append({
                "from_stage": change.from_stage, "to_stage": change.to_stage,
                "changed_at": change.changed_at.isoformat()})
    next_cursor = pagination.encode_cursor([ids[-1]], SCOPE) if more else None
    return {"items": [items[deal_id] for deal_id in ids], "next_cursor": next_cursor,
            "sequence": sequence}


def _after_history(cursor):
    if not isinstance(cursor, str):
        raise Invalid("The cursor is not valid.", {"cursor": ["Expected a string."]})
    return str(pagination.decode_cursor(cursor, SCOPE)[0])
