"""Rollup maintenance: counts change by deltas, upserted in one statement per row.

`INSERT ... ON CONFLICT DO UPDATE SET count = count + delta` is atomic on both dialects, so
concurrent consumers never lose an increment. Deltas are applied in key order so that two
transactions touching the same rows lock them in the same order (no deadlocks on PostgreSQL).
"""
from datetime import datetime, timezone

from sqlalchemy.dialects import postgresql, sqlite

BUCKET_SECONDS = 900     # 15 minutes: every zone's offset (…, +5:30, +5:45) is a whole number of them
NONE = ""                # stands for "no value" in rollup keys (see models.py)


def bucket(moment):
    """The start (UTC epoch seconds) of the 15-minute bucket holding `moment`."""
    seconds = int(moment.astimezone(timezone.utc).timestamp())
    return seconds - seconds % BUCKET_SECONDS


def bucket_start(value):
    return datetime.fromtimestamp(value, timezone.utc)


def as_key(value):
    return NONE if value is None else value


def from_key(value):
    return None if value == NONE else value


def _dialect(session):
    return postgresql if session.get_bind().dialect.name == "postgresql" else sqlite


def locked_row(session, model, key, **defaults):
    """The row with primary key `key` (a dict), created with `defaults` if missing, locked for
    this transaction on PostgreSQL. Two consumers seeing a record for the first time at once
    both INSERT ... ON CONFLICT DO NOTHING: the second waits for the first and then finds its
    row, where a plain SELECT-then-INSERT would fail one of them on the primary key."""
    session.execute(_dialect(session).insert(model).values({**defaults, **key})
                    .on_conflict_do_nothing(index_elements=list(key)))
    return session.get(model, tuple(key.values()) if len(key) > 1 else next(iter(key.values())),
                       with_for_update=True, populate_existing=True)


def add(session, model, columns, deltas):
    """`deltas`: {key tuple (values of `columns`, the primary key): change}; zeros skipped."""
    dialect = _dialect(session)
    for key in sorted(deltas):
        change = deltas[key]
        if not change:
            continue
        statement = dialect.insert(model).values({**dict(zip(columns, key)), "count": change})
        session.execute(statement.on_conflict_do_update(
            index_elements=columns,
            set_={"count": model.__table__.c.count + statement.excluded.count}))
