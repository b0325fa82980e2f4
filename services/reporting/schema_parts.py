"""The schema pieces every domain's report schemas are made of: query inputs (unknown fields
refused, filters of one value or a list, group_by against an allow-list, a period in an IANA
time zone) and the freshness every report carries."""
from marshmallow import Schema, ValidationError, fields, validate

from services.chassis.fields import Input, time_zone  # noqa: F401  (the domains' schemas use them)

GRANULARITIES = ("day", "week", "month", "quarter", "year", "total")




class Values(fields.List):
    """A filter: one value or a list of them. An array of 1..200-character strings in the API
    document (the gateway reads comma-separated and repeated parameters into one list); with
    `choices`, each one of those (an enum in the document)."""

    def __init__(self, choices=None, **kwargs):
        item = (fields.String(validate=validate.OneOf(choices)) if choices
                else fields.String(validate=validate.Length(1, 200)))
        super().__init__(item, validate=validate.Length(min=1), **kwargs)
        self.choices = tuple(choices or ())

    def _deserialize(self, value, attr, data, **kwargs):
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values or not all(
                isinstance(item, str) and 0 < len(item) <= 200 for item in values):
            raise ValidationError("One value or a list of 1..200-character strings.")
        if self.choices and any(item not in self.choices for item in values):
            raise ValidationError(f"Each one of: {', '.join(self.choices)}.")
        return values


def _distinct(values):
    if len(set(values)) != len(values):
        raise ValidationError("Name each dimension once.")


def group_by(allowed, default):
    """Only these dimensions: each is a rollup key column, so nothing else can be grouped."""
    return fields.List(fields.String(validate=validate.OneOf(allowed)), load_default=list(default),
                       validate=_distinct, metadata={"description": "Any of: " + ", ".join(allowed),
                                                     "uniqueItems": True})


class PeriodQuery(Input):
    """`from` and `to` are local dates in `tz`, both included; default: the last 30 days."""
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    tz = fields.String(load_default="UTC", validate=time_zone)
    granularity = fields.String(load_default="day", validate=validate.OneOf(GRANULARITIES))


class SourceFreshness(Schema):
    last_event_at = fields.String(allow_none=True)
    applied_at = fields.String(allow_none=True)
    lag_seconds = fields.Float(allow_none=True)
    sequence = fields.Integer(allow_none=True)


class Freshness(Schema):
    last_event_at = fields.String(allow_none=True, metadata={
        "description": "occurred_at of the last event applied (any source)"})
    applied_at = fields.String(allow_none=True, metadata={"description": "when it was applied"})
    lag_seconds = fields.Float(allow_none=True, metadata={"description": "applied_at - last_event_at"})
    sources = fields.Dict(keys=fields.String(), values=fields.Nested(SourceFreshness))
    rebuilding = fields.List(fields.String(), metadata={"description": "projections being rebuilt"})


class Period(Schema):
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    tz = fields.String()
    granularity = fields.String()
