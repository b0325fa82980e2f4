"""Keyset (cursor) pagination — every list and every reconcile page of every service.

Cost stays flat however deep the page, and no COUNT(*). A cursor is the sort key of the last
row served, signed with HMAC and stamped with its issue time, so a client can neither forge a
position nor replay a stale one.

- `page_size`, `encode_cursor`, `decode_cursor`: the signed cursors;
- `order_by`, `after`, `to_json`, `from_json`: seek over (sort column, id), nulls last;
- `newest_first`: a whole page over (created_at, id), newest first; `oldest_first`: over
  (a time column, id) ascending, for what reads from its start (a history, a conversation);
- `reconcile_page`: a page by id stamped with the service's event sequence (reconciliation).
"""
import base64
import hashlib
import hmac
import json
import time
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, or_, select

from services.chassis import settings
from services.chassis.errors import Invalid
from services.chassis.models import EventSequence

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


def _secret():
    return settings.cursor_secret().encode()


def _ttl():
    return settings.cursor_ttl_seconds()


def encode_cursor(values, scope):
    """`scope` ties the cursor to one query shape (e.g. the sort), so it cannot be reused across."""
    body = json.dumps({"v": values, "s": scope, "t": int(time.time())}, separators=(",", ":"))
    raw = body.encode()
    signature = hmac.new(_secret(), raw, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(signature + raw).decode().rstrip("=")


def decode_cursor(token, scope):
    def bad(message):
        return Invalid("The cursor is not valid.", {"cursor": [message]})
    try:
        blob = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        signature, raw = blob[:16], blob[16:]
    except (ValueError, TypeError):
        raise bad("Malformed cursor.")
    if not hmac.compare_digest(signature, hmac.new(_secret(), raw, hashlib.sha256).digest()[:16]):
        raise bad("Unknown or tampered cursor.")
    data = json.loads(raw)
    if data.get("s") != scope:
        raise bad("This cursor belongs to a different query.")
    if time.time() - data["t"] > _ttl():
        raise bad("The cursor has expired; start again from the first page.")
    return data["v"]


def page_size(value):
    if value is None:
        return DEFAULT_PAGE_SIZE
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PAGE_SIZE:
        raise Invalid("The page size is not valid.",
                      {"limit": [f"Must be an integer between 1 and {MAX_PAGE_SIZE}."]})
    return value


# --- seeking over (sort column, id) -----------------------------------------------------------

def order_by(column, id_column, descending, nullable=False):
    """A NOT NULL column gets no NULLS LAST: it would change nothing but, where it is not the
    dialect's default (SQLite ascending, PostgreSQL descending), stop the planner from
    walking the (column, id) index in order — a sort of every match instead."""
    if descending:
        return [column.desc().nulls_last() if nullable else column.desc(), id_column.desc()]
    return [column.asc().nulls_last() if nullable else column.asc(), id_column.asc()]


def after(column, id_column, value, last_id, descending, nullable=False):
    """Rows strictly after (value, last_id) in the order above."""
    beyond = (lambda a, b: a < b) if descending else (lambda a, b: a > b)
    if value is None:                          # already in the trailing block of nulls
        return and_(column.is_(None), beyond(id_column, last_id))
    condition = or_(beyond(column, value), and_(column == value, beyond(id_column, last_id)))
    if nullable:
        return or_(condition, column.is_(None))
    # The redundant bound lets the planner seek the index to the position; the OR alone is
    # not a range, so it walked the index from the first row (linear in the page's depth).
    bound = (column <= value) if descending else (column >= value)
    return and_(bound, condition)


def to_json(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def from_json(value, kind):
    """Back from the cursor; the HMAC means we wrote it, but a bad value is still a 422."""
    if value is None:
        return None
    try:
        if kind is datetime:
            return datetime.fromisoformat(value)
        if kind is Decimal:
            return Decimal(value)
        return str(value)
    except (TypeError, ValueError, ArithmeticError):
        raise Invalid("The cursor is not valid.", {"cursor": ["Unreadable position."]})


def newest_first(session, query, model, filters, scope, dump):
    """{"items": [...], "next_cursor"} for `query` (already scoped and filtered), newest first
    over (model.created_at, model.id); `filters` carries `limit` and `cursor`."""
    size = page_size(filters.get("limit"))
    if filters.get("cursor"):
        created, last_id = decode_cursor(filters["cursor"], scope)
        created = from_json(created, datetime)
        query = query.where(after(model.created_at, model.id, created, last_id, descending=True))
    rows = list(session.scalars(
        query.order_by(*order_by(model.created_at, model.id, descending=True)).limit(size + 1)))
    more, rows = len(rows) > size, rows[:size]
    cursor = encode_cursor([rows[-1].created_at.isoformat(), rows[-1].id], scope) if more else None
    return {"items": dump(session, rows), "next_cursor": cursor}


def oldest_first(session, statement, model, at, filters, scope, dump_row):
    """{"items", "next_cursor"} over (at, id) ascending: a conversation or a history reads
    from its start."""
    size = page_size(filters.get("limit"))
    if filters.get("cursor"):
        when, last_id = decode_cursor(filters["cursor"], scope)
        statement = statement.where(after(
            at, model.id, from_json(when, datetime), last_id, descending=False))
    rows = list(session.scalars(statement.order_by(*order_by(
        at, model.id, descending=False)).limit(size + 1)))
    more, rows = len(rows) > size, rows[:size]
    cursor = encode_cursor([getattr(rows[-1], at.key).isoformat(), rows[-1].id],
                           scope) if more else None
    return {"items": [dump_row(row) for row in rows], "next_cursor": cursor}


# --- reconciliation pages ---------------------------------------------------------------------

RECONCILE_MAX_PAGE = 1000


def reconcile_limit(limit):
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= RECONCILE_MAX_PAGE:
        raise Invalid("The request is not valid.",
                      {"limit": [f"An integer 1..{RECONCILE_MAX_PAGE}."]})
    return limit


def reconcile_position(cursor, scope):
    """The key values after which a reconcile page starts (None: from the first row)."""
    if cursor is None:
        return None
    if not isinstance(cursor, str):
        raise Invalid("The cursor is not valid.", {"cursor": ["Expected a string."]})
    return decode_cursor(cursor, scope)


def event_sequence(session):
    """The service's last event sequence: read BEFORE a reconcile page's rows."""
    return session.scalar(select(EventSequence.last).where(EventSequence.id == 1)) or 0


def _selects_one_model(query):
    """select(Model) pages over model instances; select(columns...) over rows."""
    described = query.column_descriptions
    return len(described) == 1 and isinstance(described[0]["expr"], type)


def reconcile_page(session, query, key, cursor, limit, scope, dump):
    """One page of a reconcile RPC: rows of `query` after the cursor by the single `key`
    column, dumped by `dump(session, rows)`, stamped with the event sequence read before them.
    If every page carries the same sequence and no event follows it, nothing changed while the
    pages were read, and the caller compares a consistent snapshot (reporting's reconcile)."""
    size = reconcile_limit(limit)
    start = reconcile_position(cursor, scope)
    sequence = event_sequence(session)
    if start:
        query = query.where(key > str(start[0]))
    result = session.execute(query.order_by(key).limit(size + 1))
    rows = list(result.scalars() if _selects_one_model(query) else result.all())
    more, rows = len(rows) > size, rows[:size]
    next_cursor = encode_cursor([getattr(rows[-1], key.key)], scope) if more else None
    return {"items": dump(session, rows), "next_cursor": next_cursor, "sequence": sequence}
