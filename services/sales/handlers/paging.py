"""Newest-first keyset pages over (created_at, id), cursors signed by the chassis."""
from datetime import datetime

from sqlalchemy import and_, or_

from services.chassis import pagination
from services.chassis.errors import Invalid


def page(session, query, model, filters, scope, dump):
    """{"items": [...], "next_cursor"} for `query` (already scoped and filtered)."""
    size = pagination.page_size(filters.get("limit"))
    if filters.get("cursor"):
        created, last_id = pagination.decode_cursor(filters["cursor"], scope)
        try:
            created = datetime.fromisoformat(created)
        except (TypeError, ValueError):
            raise Invalid("The cursor is not valid.", {"cursor": ["Unreadable position."]})
        query = query.where(or_(model.created_at < created,
                                and_(model.created_at == created, model.id < last_id)))
    rows = list(session.scalars(
        query.order_by(model.created_at.desc(), model.id.desc()).limit(size + 1)))
    more, rows = len(rows) > size, rows[:size]
    cursor = pagination.encode_cursor([rows[-1].created_at.isoformat(), rows[-1].id], scope) \
        if more else None
    return {"items": dump(session, rows), "next_cursor": cursor}
