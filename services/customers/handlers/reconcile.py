"""This service's own data, for reporting's reconciliation (admin / system only): the facts every
customer KPI is computed from, and interaction counts per rep, kind and UTC day.

Keyset pages, each stamped with this service's event sequence read before its rows: if every
page carries the same sequence and no event follows it, nothing changed while the pages were
read and the caller compares a consistent snapshot (services/reporting/reconcile.py).
"""
from sqlalchemy import func, select, tuple_

from services.chassis import pagination
from services.chassis.errors import Invalid
from services.chassis.models import EventSequence
from services.customers.models import Customer, Interaction

MAX_PAGE = 1000
FACTS, COUNTS = "reconcile:facts", "reconcile:interactions"


def _page_size(limit):
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise Invalid("The request is not valid.", {"limit": [f"An integer 1..{MAX_PAGE}."]})
    return limit


def _position(cursor, scope):
    if cursor is None:
        return None
    if not isinstance(cursor, str):
        raise Invalid("The cursor is not valid.", {"cursor": ["Expected a string."]})
    return pagination.decode_cursor(cursor, scope)


def _sequence(session):
    return session.scalar(select(EventSequence.last).where(EventSequence.id == 1)) or 0


def _page(rows, size, scope, key):
    more = len(rows) > size
    rows = rows[:size]
    return rows, (pagination.encode_cursor(key(rows[-1]), scope) if more else None)


def customer_facts(session, cursor=None, limit=500):
    size, after = _page_size(limit), _position(cursor, FACTS)
    sequence = _sequence(session)
    query = select(Customer.id, Customer.lifecycle_stage, Customer.region, Customer.value_class,
                   Customer.industry, Customer.owner_id, Customer.created_at, Customer.merged_into)
    if after:
        query = query.where(Customer.id > str(after[0]))
    rows, next_cursor = _page(session.execute(query.order_by(Customer.id).limit(size + 1)).all(),
                              size, FACTS, lambda row: [row.id])
    items = [{"id": row.id, "lifecycle_stage": row.lifecycle_stage, "region": row.region,
              "value_class": row.value_class, "industry": row.industry, "owner_id": row.owner_id,
              "created_at": row.created_at.isoformat(), "merged": row.merged_into is not None}
             for row in rows]
    return {"items": items, "next_cursor": next_cursor, "sequence": sequence}


def _utc_day(session):
    """'YYYY-MM-DD' of occurred_at in UTC (SQLite stores UTC text; PostgreSQL timestamptz)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", Interaction.occurred_at), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", Interaction.occurred_at)


def interaction_counts(session, cursor=None, limit=1000):
    size, after = _page_size(limit), _position(cursor, COUNTS)
    sequence = _sequence(session)
    day = _utc_day(session).label("day")
    grouped = (select(day, Interaction.user_id, Interaction.kind, func.count().label("count"))
               .group_by(day, Interaction.user_id, Interaction.kind).subquery())
    key = (grouped.c.day, grouped.c.user_id, grouped.c.kind)
    query = select(grouped)
    if after:
        query = query.where(tuple_(*key) > tuple_(*[str(value) for value in after]))
    rows, next_cursor = _page(session.execute(query.order_by(*key).limit(size + 1)).all(),
                              size, COUNTS, lambda row: [row.day, row.user_id, row.kind])
    items = [{"day": row.day, "user_id": row.user_id, "kind": row.kind, "count": row.count}
             for row in rows]
    return {"items": items, "next_cursor": next_cursor, "sequence": sequence}
