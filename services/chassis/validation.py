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
