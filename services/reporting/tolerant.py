"""What every domain's consumer copies share: tolerant schemas (unknown=EXCLUDE: producers may
add fields without breaking us; only what the projections read is declared), and `load`, which
raises on a payload that does not load, so the catch-up stops at it visibly instead of counting
it wrong (services/reporting/inbox.py)."""
from datetime import datetime
from functools import cache

from marshmallow import EXCLUDE, Schema, ValidationError, fields
from marshmallow.utils import missing

STRING, INTEGER, AWARE = "string", "integer", "aware"
FALLBACK = object()


class Tolerant(Schema):
    class Meta:
        unknown = EXCLUDE


@cache
def _instance(schema_class):
    return schema_class()


@cache
def _plan(schema_class):
    """[(name, kind, required, allow_none, load_default)] when every field of `schema_class` is
    one `_quick` loads exactly as marshmallow would (a plain String, Integer or ISO AwareDateTime:
    no data_key, attribute, validators, field or schema hooks); None otherwise."""
    schema = _instance(schema_class)
    if any(schema._hooks.values()) or schema.many or schema.unknown != EXCLUDE:
        return None
    plan = []
    for name, field in schema.load_fields.items():
        kind = {fields.String: STRING, fields.Integer: INTEGER}.get(type(field))
        if type(field) is fields.AwareDateTime and field.format in (None, "iso", "iso8601") \
                and field.default_timezone is None:
            kind = AWARE
        if kind is None or field.data_key is not None or field.attribute is not None \
                or field.validators or getattr(field, "pre_load", None) \
                or getattr(field, "post_load", None) \
                or field.load_default not in (missing, None):
            return None
        plan.append((name, kind, field.required, field.allow_none, field.load_default))
    return tuple(plan)


def _quick(plan, payload):
    """The payload loaded per `plan`, or FALLBACK for anything but the plain case (a missing
    required field, a wrong type, a naive date): marshmallow then loads it, or says why not."""
    if type(payload) is not dict:
        return FALLBACK
    data = {}
    for name, kind, required, allow_none, default in plan:
        value = payload.get(name, missing)
        if value is missing:
            if default is not missing:
                data[name] = default
            elif required:
                return FALLBACK
            continue
        if value is None:
            if not allow_none:
                return FALLBACK
            data[name] = None
        elif kind is STRING:
            if type(value) is not str:
                return FALLBACK
            data[name] = value
        elif kind is INTEGER:
            if type(value) is not int:
                return FALLBACK
            data[name] = value
        else:
            if type(value) is not str:
                return FALLBACK
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                return FALLBACK
            if value.tzinfo is None or value.utcoffset() is None:
                return FALLBACK
            data[name] = value
    return data


def load(schema_class, envelope):
    """The payload loaded by one shared instance of `schema_class`: building a marshmallow
    schema costs more than loading a payload with it, and a projection loads one per event.
    A schema of plain fields loads by `_quick` (a fifth of marshmallow's CPU, the same dict:
    tests/unit/reporting/test_tolerant.py), anything it does not take by marshmallow."""
    plan = _plan(schema_class)
    if plan is not None:
        data = _quick(plan, envelope["payload"])
        if data is not FALLBACK:
            return data
    try:
        return _instance(schema_class).load(envelope["payload"])
    except ValidationError as error:
        raise ValueError(f"unreadable {envelope['event_type']} payload: {error.messages}")
