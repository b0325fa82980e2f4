"""This service's own data, for reporting's reconciliation (admin / system only): the facts every
customer KPI is computed from, and interaction counts per rep, kind and UTC day.

Keyset pages, each stamped with this service's event sequence read before its rows: if every
page carries the same sequence and no event follows it, nothing changed while the pages were
read and the caller compares a consistent snapshot (services/reporting/reconcile.py). The
paging is the chassis's (services/chassis/pagination.py: reconcile_page and its parts).
"""
from sqlalchemy import func, select, tuple_

from services.chassis import pagination
from services.customers.models import Customer, Interaction

FACTS, COUNTS = "reconcile:facts", "reconcile:interactions"


def _facts(session, rows):
    return [{"id": row.id, "lifecycle_stage": row.lifecycle_stage, "region": row.region,
             "value_class": row.value_class, "industry": row.industry, "owner_id": row.owner_id,
             "created_at": row.created_at.isoformat(), "merged": row.merged_into is not None}
            for row in rows]


def customer_facts(session, cursor=None, limit=500):
    query = select(Customer.id, Customer.lifecycle_stage, Customer.region, Customer.value_class,
                   Customer.industry, Customer.owner_id, Customer.created_at, Customer.merged_into)
    return pagination.reconcile_page(session, query, Customer.id, cursor, limit, FACTS, _facts)


def _utc_day(session):
    """'YYYY-MM-DD' of occurred_at in UTC (SQLite stores UTC text; PostgreSQL timestamptz)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", Interaction.occurred_at), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", Interaction.occurred_at)


def interaction_counts(session, cursor=None, limit=1000):
    """Keyed by (day, user, kind) — three columns, so paged here with the chassis's parts
    rather than by reconcile_page (which pages by one key column)."""
    size = pagination.reconcile_limit(limit)
    after = pagination.reconcile_position(cursor, COUNTS)
    sequence = pagination.event_sequence(session)
    day = _utc_day(session).label("day")
    grouped = (select(day, Interaction.user_id, Interaction.kind, func.count().label("count"))
               .group_by(day, Interaction.user_id, Interaction.kind).subquery())
    key = (grouped.c.day, grouped.c.user_id, grouped.c.kind)
    query = select(grouped)
    if after:
        query = query.where(tuple_(*key) > tuple_(*[str(value) for value in after]))
    rows = session.execute(query.order_by(*key).limit(size + 1)).all()
    more, rows = len(rows) > size, rows[:size]
    next_cursor = (pagination.encode_cursor([rows[-1].day, rows[-1].user_id, rows[-1].kind], COUNTS)
                   if more else None)
    items = [{"day": row.day, "user_id": row.user_id, "kind": row.kind, "count": row.count}
             for row in rows]
    return {"items": items, "next_cursor": next_cursor, "sequence": sequence}
