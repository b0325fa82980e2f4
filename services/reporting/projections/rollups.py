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


def add(session, model, columns, deltas):
    """`deltas`: {key tuple (values of `columns`, the primary key): change}; zeros skipped."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    for key in sorted(deltas):
        change = deltas[key]
        if not change:
            continue
        statement = dialect.insert(model).values(dict(zip(columns, key)), count=change)
        session.execute(statement.on_conflict_do_update(
            index_elements=columns,
            set_={"count": model.__table__.c.count + statement.excluded.count}))
