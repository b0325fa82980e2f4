"""What every domain's consumer copies share: tolerant schemas (unknown=EXCLUDE: producers may
add fields without breaking us; only what the projections read is declared), and `load`, which
raises on a payload that does not load, so the catch-up stops at it visibly instead of counting
it wrong (services/reporting/inbox.py)."""
from functools import cache

from marshmallow import EXCLUDE, Schema, ValidationError

from services.chassis import payloads


class Tolerant(Schema):
    class Meta:
        unknown = EXCLUDE


@cache
def _loader(schema_class):
    return payloads.loader(schema_class())


def load(schema_class, envelope):
    """The payload loaded through `schema_class`'s one instance (building a marshmallow schema
    costs more than loading a payload with it, and a projection loads one per event), by the
    chassis's loader (services/chassis/payloads.py: marshmallow's result without its per-call
    machinery; tests/unit/reporting/test_tolerant.py holds every reporting copy to it)."""
    try:
        return _loader(schema_class)(envelope["payload"])
    except ValidationError as error:
        raise ValueError(f"unreadable {envelope['event_type']} payload: {error.messages}")
