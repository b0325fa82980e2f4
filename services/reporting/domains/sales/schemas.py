"""The sales reports' queries (the RPC inputs) and outputs (documentation: the query
functions build plain dicts of this shape), resolved by the gateway as "reporting:<name>"
through services/reporting/schemas.py."""
from marshmallow import Schema, fields, validate

from services.reporting.schema_parts import (Freshness, Input, Period, PeriodQuery, Values,
                                             group_by, time_zone)

DEAL_STAGE_DIMENSIONS = ("stage", "owner_id", "status")
DEAL_OUTCOME_DIMENSIONS = ("owner_id", "team_id", "region", "product_id")


class FunnelQuery(Input):
    """Deals now by stage; with `from` / `to` only those created in that period (local dates
    in `tz`), else all. Money is always split by currency."""
    group_by = group_by(DEAL_STAGE_DIMENSIONS, ["stage"])
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    tz = fields.String(load_default="UTC", validate=time_zone)
    owner_id, stage, status, currency = Values(), Values(), Values(), Values()


class OutcomeQuery(PeriodQuery):
    """Deals closed (won or lost) in the period, per day / week / month / quarter / year /
    total; team_id and region are the owner's, product_id a product on the deal's lines."""
    owner_id, currency = Values(), Values()
    team_id, region, product_id = Values(), Values(), Values()


class WinRateQuery(OutcomeQuery):
    group_by = group_by(DEAL_OUTCOME_DIMENSIONS, ["owner_id"])


class RevenueQuery(OutcomeQuery):
    group_by = group_by(DEAL_OUTCOME_DIMENSIONS, [])


class StageQuery(Input):
    """Conversion and time in stage of the deals created in the period (local dates in `tz`;
    default all), filtered by the owner, the owner's team or region."""
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    tz = fields.String(load_default="UTC", validate=time_zone)
    owner_id, team_id, region = Values(), Values(), Values()


CASH_DIMENSIONS = ("owner_id", "team_id", "region")


class CashQuery(PeriodQuery):
    """Invoiced (by issued_on) and collected (by received_on) per period and currency."""
    group_by = group_by(CASH_DIMENSIONS, [])
    owner_id, team_id, region, currency = Values(), Values(), Values(), Values()


class ReceivablesQuery(Input):
    """Open balances on `as_of` (a date; default today in `tz`), aged past their due date."""
    as_of = fields.Date()
    tz = fields.String(load_default="UTC", validate=time_zone)
    group_by = group_by(CASH_DIMENSIONS, [])
    owner_id, team_id, region, currency = Values(), Values(), Values(), Values()
    limit = fields.Integer(load_default=50, validate=validate.Range(min=0, max=500), metadata={
        "description": "overdue invoices listed (most days overdue first); the count is exact"})


TARGET_SCOPES = ("company", "region", "product_line", "rep")
TARGET_MEASURES = ("won_revenue", "cash_collected")


class TargetsQuery(Input):
    """Targets (and their attainment) of a period kind and start; `tz` says whose days the
    period's dates are (deals closed on those local days count)."""
    period_kind = fields.String(validate=validate.OneOf(("month", "quarter", "year")))
    period_start = fields.Date()
    scope = Values()
    measure = Values()
    tz = fields.String(load_default="UTC", validate=time_zone)


class SalesReport(Schema):
    group_by = fields.List(fields.String())
    filters = fields.Dict()
    period = fields.Nested(Period, allow_none=True)
    rows = fields.List(fields.Dict(), metadata={
        "description": "funnel: stage/owner_id/status as grouped, currency, count, amount, "
                       "weighted_amount; win-rate: period, the grouped cuts (owner_id(+_name), "
                       "team_id, region, product_id(+product_name)), won, lost, closed, "
                       "win_rate (won / closed); revenue: period, the cuts, currency, "
                       "won, revenue, average_deal_size, cycle_seconds, average_cycle_days; "
                       "cash: period, the cuts, currency, invoices, invoiced, payments, "
                       "collected. Money: decimal strings in the row's currency"})
    totals = fields.Dict(metadata={"description": "the same measures over all rows"})
    freshness = fields.Nested(Freshness)


class StageReport(Schema):
    filters = fields.Dict()
    period = fields.Nested(Period, allow_none=True)
    deals = fields.Integer(metadata={"description": "deals in the cohort"})
    rows = fields.List(fields.Dict(), metadata={
        "description": "stage-conversion: from_stage, to_stage, entered, next, next_rate, "
                       "ever, ever_rate; time-in-stage: stage, count, average_seconds, "
                       "median_seconds, average_days, median_days"})
    stages = fields.List(fields.Dict(), metadata={"description": "conversion: deals per stage entered"})
    sales_cycle = fields.Dict(metadata={
        "description": "time-in-stage: won / lost / closed — first stage entered → closed"})
    freshness = fields.Nested(Freshness)


class ReceivablesReport(Schema):
    as_of = fields.Date()
    group_by = fields.List(fields.String())
    filters = fields.Dict()
    rows = fields.List(fields.Dict(), metadata={
        "description": "per group and currency: invoices, outstanding, current (not yet due), "
                       "overdue_invoices, overdue, aging {1-30, 31-60, 61-90, 90+: {invoices, "
                       "amount}}; money as decimal strings"})
    totals = fields.Dict()
    overdue_invoices = fields.List(fields.Dict())
    overdue_invoice_count = fields.Integer()
    freshness = fields.Nested(Freshness)


class TargetsReport(Schema):
    filters = fields.Dict()
    tz = fields.String()
    rows = fields.List(fields.Dict(), metadata={
        "description": "per target: id, period_kind, period_start, period_end, scope, "
                       "scope_value (scope_name for reps), measure, currency, amount, attained, "
                       "remaining, attainment (attained / amount; null when not computable)"})
    freshness = fields.Nested(Freshness)
