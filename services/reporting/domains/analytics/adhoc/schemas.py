"""The ad-hoc report's query and answer (resolved by the gateway as "reporting:<name>" through
services/reporting/schemas.py). Names are checked against the whitelist (sources.py) here and,
per source, in report.py."""
from marshmallow import Schema, ValidationError, fields, validate

from services.reporting.domains.analytics.adhoc.sources import (DATES, DIMENSIONS, MEASURES,
                                                                NOT_AVAILABLE, SIZE_LABELS,
                                                                SOURCES)
from services.reporting.schema_parts import Freshness, Input, Period, Values, time_zone

FILTERS = tuple(name for name in DIMENSIONS if name != "period")
PERIOD_GRANULARITIES = ("day", "week", "month", "quarter", "year")


def _distinct(values):
    if len(set(values)) != len(values):
        raise ValidationError("Name each one once.")


def _names(allowed, default, description, least=0):
    return fields.List(fields.String(validate=validate.OneOf(allowed)), load_default=default,
                       validate=[validate.Length(min=least, max=len(allowed)), _distinct],
                       metadata={"description": description, "uniqueItems": True})


class _AdhocOptions(Input):
    """Repeated or comma-separated `measure` and `dimension`; a filter is a dimension's name
    with its values (`region=North,South`)."""
    source = fields.String(load_default="deals", validate=validate.OneOf(tuple(SOURCES)),
                           metadata={"description": "the fact table: " + ", ".join(SOURCES)})
    measure = _names(MEASURES, ["count"], "what to compute (per source: see the summary)", 1)
    dimension = _names(DIMENSIONS + tuple(NOT_AVAILABLE), [], "; ".join(
        ["what to group by"] + [f"{name}: not available, {why}"
                                for name, why in NOT_AVAILABLE.items()]))
    dated_by = fields.String(validate=validate.OneOf(DATES), metadata={
        "description": "the date the period and from/to read (deals: created or closed)"})
    from_ = fields.Date(data_key="from", metadata={"description": "local date in tz, included"})
    to = fields.Date(metadata={"description": "local date in tz, included"})
    tz = fields.String(load_default="UTC", validate=time_zone)
    granularity = fields.String(load_default="month",
                                validate=validate.OneOf(PERIOD_GRANULARITIES))
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 1_000_000))


# ... and one filter per dimension, named as it
CHOICES = {"size": SIZE_LABELS}         # a filter whose values are the report's own words
AdhocQuery = type("AdhocQuery", (_AdhocOptions,), {
    name: Values(CHOICES.get(name), metadata={"description": f"only rows whose {name} is one "
                                                             "of these"})
    for name in FILTERS})


class AdhocReport(Schema):
    source = fields.String()
    measures = fields.List(fields.String())
    dimensions = fields.List(fields.String())
    filters = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    dated_by = fields.String(allow_none=True)
    period = fields.Nested(Period, allow_none=True, metadata={
        "description": "the from/to asked (null: all dates)"})
    notes = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "what some dimensions mean for this source"})
    not_available = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "dimensions no fact table carries, and why"})
    total = fields.Integer(metadata={"description": "rows in all (the page is limit/offset)"})
    rows = fields.List(fields.Dict(), metadata={
        "description": "one per group: the dimensions (ids with their *_name), `currency` "
                       "with a money measure, and each measure (money: decimal string; "
                       "count: integer; avg of seconds: number; rate: 0..1, null when nothing "
                       "to divide by)"})
    freshness = fields.Nested(Freshness)
