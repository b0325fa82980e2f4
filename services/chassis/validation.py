"""Loading RPC input through a service's own schema: the only way data gets in. Every load and
dump goes through one instance per schema class (`shared`)."""
from functools import cache

from marshmallow import ValidationError

from services.chassis.errors import Invalid, invalid_from_marshmallow


@cache
def shared(schema_class):
    """The one instance of a schema class that loads and dumps with it. Building a marshmallow
    schema deep-copies its declared fields — 90–190 µs for a list query or a new customer, more
    than loading the request with it, and paid per row where a page dumped each row with a new
    one — and a load or dump keeps nothing on the instance (partial and many are per call)."""
    if not isinstance(schema_class, type):
        raise TypeError(f"load and shared take a schema class, not {schema_class!r}")
    return schema_class()


def load(schema_class, data, partial=False):
    """Validated, typed data, or `Invalid` with per-field messages (unknown fields included)."""
    if not isinstance(data, dict):
        raise Invalid("The request body must be a JSON object.", {"_schema": ["Expected an object."]})
    try:
        return shared(schema_class).load(data, partial=partial)
    except ValidationError as error:
        raise invalid_from_marshmallow(error)


def load_each(schema_class, items, partial=False):
    """`load` over a batch with one schema instance: per item its data or its `Invalid`.

    Not `schema.load(items, many=True)`: a pre_load hook that refuses one item (Input's check
    of the characters) fails the whole collection there, without saying which item."""
    results = []
    for item in items:
        try:
            results.append(load(schema_class, item, partial))
        except Invalid as error:
            results.append(error)
    return results
