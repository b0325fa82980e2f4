"""Keyset pagination over (sort column, id), nulls last in both directions."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, or_

from services.chassis.errors import Invalid


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
