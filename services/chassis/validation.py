"""Loading RPC input through a service's own schema: the only way data gets in."""
from marshmallow import ValidationError

from services.chassis.errors import Invalid, invalid_from_marshmallow


def load(schema, data, partial=False):
    """Validated, typed data, or `Invalid` with per-field messages (unknown fields included)."""
    if not isinstance(data, dict):
        raise Invalid("The request body must be a JSON object.", {"_schema": ["Expected an object."]})
    try:
        return schema.load(data, partial=partial)
    except ValidationError as error:
        raise invalid_from_marshmallow(error)


def load_each(schema, items, partial=False):
    """`load` over a batch with one schema instance: per item its data or its `Invalid`.

    Not `schema.load(items, many=True)`: a pre_load hook that refuses one item (Input's check
    of the characters) fails the whole collection there, without saying which item."""
    results = []
    for item in items:
        try:
            results.append(load(schema, item, partial))
        except Invalid as error:
            results.append(error)
    return results
