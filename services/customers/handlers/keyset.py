"""Keyset pagination over (sort column, id), nulls last in both directions."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, or_

from services.chassis.errors import Invalid


def order_by(column, id_column, descending):
    if descending:
        return [column.desc().nulls_last(), id_column.desc()]
    return [column.asc().nulls_last(), id_column.asc()]


def after(column, id_column, value, last_id, descending, nullable=False):
    """Rows strictly after (value, last_id) in the order above."""
    beyond = (lambda a, b: a < b) if descending else (lambda a, b: a > b)
    if value is None:                          # already in the trailing block of nulls
        return and_(column.is_(None), beyond(id_column, last_id))
    condition = or_(beyond(column, value), and_(column == value, beyond(id_column, last_id)))
    return or_(condition, column.is_(None)) if nullable else condition


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
