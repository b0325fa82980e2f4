"""Reading the trail: per record, per customer (the customer and what hangs off it), per user,
within a time range — newest first, in keyset pages (services/chassis/pagination.py), and only
of the records the caller may see (services/audit/scopes.py)."""
import json
from datetime import datetime

from sqlalchemy import and_, or_, select

from services.audit import schemas, scopes
from services.audit.models import AuditEntry, AuditRecord, UserCopy
from services.chassis import pagination
from services.chassis.errors import NotFound
from services.chassis.validation import load

E, R = AuditEntry, AuditRecord
ENTRY = schemas.AuditEntry()


def _scoped(session, principal):
    """Entries joined to their record, limited to the records the caller may see."""
    joined = and_(R.record_type == E.record_type, R.record_id == E.record_id)
    return (select(E, UserCopy.name).join(R, joined)
            .outerjoin(UserCopy, UserCopy.id == E.actor_id)
            .where(scopes.visible(session, principal)))


def list_changes(session, principal, query=None):
    filters = load(schemas.AuditQuery, query or {})
    statement = _scoped(session, principal)
    for name in ("record_type", "record_id", "actor_id", "field"):
        if filters.get(name):
            statement = statement.where(getattr(E, name) == filters[name])
    key = ":".join(str(filters.get(name)) for name in
                   ("record_type", "record_id", "actor_id", "field", "since", "until"))
    return _page(statement, session, filters, f"audit:{principal.user_id}:{key}")


def customer_history(session, principal, customer_id, query=None):
    """The customer's own changes and those of its contacts, deals, leads, quotes, contracts,
    orders, invoices, tasks, tickets and consent — each as the caller may see it. An unknown customer, or one
    the caller may not see, is NotFound (existence does not leak)."""
    filters = load(schemas.HistoryQuery, query or {})
    if not isinstance(customer_id, str) or session.scalar(
            select(R.record_id).where(R.record_type == "customer", R.record_id == customer_id,
                                      scopes.visible(session, principal))) is None:
        raise NotFound(f"No customer {customer_id}.", {"id": customer_id})
    statement = _scoped(session, principal).where(or_(
        and_(E.record_type == "customer", E.record_id == customer_id),
        R.customer_id == customer_id))
    key = f"{customer_id}:{filters.get('since')}:{filters.get('until')}"
    return _page(statement, session, filters, f"audit-customer:{principal.user_id}:{key}")


def _page(statement, session, filters, scope):
    size = pagination.page_size(filters.get("limit"))
    if filters.get("since"):
        statement = statement.where(E.occurred_at >= filters["since"])
    if filters.get("until"):
        statement = statement.where(E.occurred_at < filters["until"])
    if filters.get("cursor"):
        occurred, last_id = pagination.decode_cursor(filters["cursor"], scope)
        statement = statement.where(pagination.after(
            E.occurred_at, E.id, pagination.from_json(occurred, datetime), last_id, descending=True))
    rows = session.execute(statement.order_by(
        *pagination.order_by(E.occurred_at, E.id, descending=True)).limit(size + 1)).all()
    more, rows = len(rows) > size, rows[:size]
    cursor = pagination.encode_cursor(
        [rows[-1][0].occurred_at.isoformat(), rows[-1][0].id], scope) if more else None
    return {"items": [dump(entry, name) for entry, name in rows], "next_cursor": cursor}


def dump(entry, actor_name=None):
    return ENTRY.dump({
        "id": entry.id, "occurred_at": entry.occurred_at, "record_type": entry.record_type,
        "record_id": entry.record_id, "action": entry.action, "field": entry.field,
        "old_value": _value(entry.old_value), "new_value": _value(entry.new_value),
        "old_known": entry.old_value is not None, "new_known": entry.new_value is not None,
        "actor_id": entry.actor_id, "actor_name": actor_name, "event_id": entry.event_id,
        "event_type": entry.event_type, "source": entry.source, "sequence": entry.sequence})


def _value(text):
    return None if text is None else json.loads(text)
