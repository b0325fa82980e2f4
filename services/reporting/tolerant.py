"""What every domain's consumer copies share: tolerant schemas (unknown=EXCLUDE: producers may
add fields without breaking us; only what the projections read is declared), and `load`, which
raises on a payload that does not load, so the catch-up stops at it visibly instead of counting
it wrong (services/reporting/inbox.py)."""
from functools import cache

from marshmallow import EXCLUDE, Schema, ValidationError


class Tolerant(Schema):
    class Meta:
        unknown = EXCLUDE


@cache
def _instance(schema_class):
    return schema_class()


def load(schema_class, envelope):
    """The payload loaded by one shared instance of `schema_class`: building a marshmallow
    schema costs more than loading a payload with it, and a projection loads one per event."""
    try:
        return _instance(schema_class).load(envelope["payload"])
    except ValidationError as error:
        raise ValueError(f"unreadable {envelope['event_type']} payload: {error.messages}")
