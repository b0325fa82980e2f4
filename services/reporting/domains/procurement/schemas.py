"""The procurement reports' queries (the RPC inputs) and output (documentation: queries.py
builds plain dicts of this shape), resolved by the gateway as "reporting:<name>" through
services/reporting/schemas.py."""
from marshmallow import Schema, fields, validate

from services.reporting.schema_parts import (GRANULARITIES, Freshness, Input, Period,
                                             PeriodQuery, Values, group_by)

SPEND_GROUPS = ("period", "supplier_id", "category")
SPEND_FILTERS = ("supplier_id", "category", "currency")
LIMIT = {"load_default": 100, "validate": validate.Range(1, 500)}
OFFSET = {"load_default": 0, "validate": validate.Range(0, 1_000_000)}


class MonthlyQuery(PeriodQuery):
    """`from` / `to` (dates, both included; default the last 30 days), by month unless asked."""
    granularity = fields.String(load_default="month", validate=validate.OneOf(GRANULARITIES))


class SpendQuery(MonthlyQuery):
    """Accepted receipt value of the receipts received in the period, per currency and any of
    period (of `received_on`), supplier, category."""
    group_by = group_by(SPEND_GROUPS, ["period", "supplier_id"])
    supplier_id, category, currency = Values(), Values(), Values()
    limit, offset = fields.Integer(**LIMIT), fields.Integer(**OFFSET)


class CommitmentsQuery(Input):
    """Open commitments now, per supplier and currency."""
    supplier_id, currency = Values(), Values()
    limit, offset = fields.Integer(**LIMIT), fields.Integer(**OFFSET)


class ApprovalsQuery(MonthlyQuery):
    """Requests decided in the period (local dates in `tz`), per period of the decision."""
    limit, offset = fields.Integer(**LIMIT), fields.Integer(**OFFSET)


class OnTimeQuery(MonthlyQuery):
    """Receipts received in the period, per period and / or supplier."""
    group_by = group_by(("period", "supplier_id"), ["period", "supplier_id"])
    supplier_id = Values()
    limit, offset = fields.Integer(**LIMIT), fields.Integer(**OFFSET)


class ScorecardsQuery(Input):
    """Every supplier's scorecard (all time), or the ones asked for."""
    supplier_id, status = Values(), Values()
    limit, offset = fields.Integer(**LIMIT), fields.Integer(**OFFSET)


class ProcurementReport(Schema):
    group_by = fields.List(fields.String())
    filters = fields.Dict()
    period = fields.Nested(Period, allow_none=True)
    total = fields.Integer(metadata={"description": "rows in all (the page is limit/offset)"})
    rows = fields.List(fields.Dict(), metadata={
        "description": "One object per group. Spend: its dimensions, currency, spend (exact "
                       "decimal string), receipts. Commitments: supplier_id, supplier_name, "
                       "currency, orders, total, accepted_value, committed. Approvals: period, "
                       "approved and rejected {count, mean_hours, median_hours}. On time: "
                       "receipts, on_time, late, on_time_rate (percent, 2 decimals). "
                       "Scorecards: supplier_id, name, status, score, flagged, evaluations "
                       "[{evaluation_id, period_start, period_end, order_id, weighted_score, "
                       "threshold, evaluated_at, current}], receipts, on_time, on_time_rate, "
                       "spend [{currency, amount}]"})
    freshness = fields.Nested(Freshness)
