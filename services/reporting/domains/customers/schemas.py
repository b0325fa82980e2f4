"""The customer reports' queries (the RPC inputs) and outputs (documentation: the query
functions build plain dicts of this shape). The gateway's OpenAPI document references them by
name ("reporting:CompositionReport") through services/reporting/schemas.py."""
from marshmallow import Schema, fields

from services.reporting.schema_parts import Freshness, Input, Period, PeriodQuery, Values, group_by

CUSTOMER_DIMENSIONS = ("owner_id", "lifecycle_stage", "region", "value_class", "industry")
INTERACTION_DIMENSIONS = ("user_id", "kind", "owner_id")


class CompositionQuery(Input):
    group_by = group_by(CUSTOMER_DIMENSIONS, ["lifecycle_stage"])
    owner_id, lifecycle_stage, region = Values(), Values(), Values()
    value_class, industry = Values(), Values()


class NewCustomersQuery(PeriodQuery):
    group_by = group_by(CUSTOMER_DIMENSIONS, [])
    owner_id, lifecycle_stage, region = Values(), Values(), Values()
    value_class, industry = Values(), Values()


class InteractionsQuery(PeriodQuery):
    group_by = group_by(INTERACTION_DIMENSIONS, ["user_id", "kind"])
    user_id, kind, owner_id = Values(), Values(), Values()


class Report(Schema):
    group_by = fields.List(fields.String())
    filters = fields.Dict()
    rows = fields.List(fields.Dict(), metadata={
        "description": "One object per group: the grouped dimensions (owner_id/user_id also "
                       "with *_name), `count`, and `period` for time series"})
    total = fields.Integer()
    freshness = fields.Nested(Freshness)


class SeriesReport(Report):
    period = fields.Nested(Period)
