"""What every domain's consumer copies share: tolerant schemas (unknown=EXCLUDE: producers may
add fields without breaking us; only what the projections read is declared), and `load`, which
raises on a payload that does not load, so the catch-up stops at it visibly instead of counting
it wrong (services/reporting/inbox.py)."""
from marshmallow import EXCLUDE, Schema, ValidationError


class Tolerant(Schema):
    class Meta:
        unknown = EXCLUDE


def load(schema, envelope):
    try:
        return schema.load(envelope["payload"])
    except ValidationError as error:
        raise ValueError(f"unreadable {envelope['event_type']} payload: {error.messages}")
