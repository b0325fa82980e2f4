"""RPC inputs (unknown fields refused, group_by against an allow-list) and outputs of reporting.
The gateway's OpenAPI document references these by name ("reporting:CompositionReport")."""
import zoneinfo
from marshmallow import RAISE, Schema, ValidationError, fields, validate

CUSTOMER_DIMENSIONS = ("owner_id", "lifecycle_stage", "region", "value_class", "industry")
INTERACTION_DIMENSIONS = ("user_id", "kind", "owner_id")
GRANULARITIES = ("day", "week", "month", "quarter", "year", "total")
PROJECTION_NAMES = ("users", "customers", "interactions", "deals", "cash", "targets")


def _time_zone(value):
    if value not in _zones():
        raise ValidationError("Not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC).")


def _zones(cache={}):
    if "all" not in cache:
        cache["all"] = zoneinfo.available_timezones() | {"UTC"}
    return cache["all"]


class Values(fields.Field):
    """A filter: one value or a list of them (the gateway sends comma-separated lists)."""

    def _deserialize(self, value, attr, data, **kwargs):
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values or not all(
                isinstance(item, str) and 0 < len(item) <= 200 for item in values):
            raise ValidationError("One value or a list of 1..200-character strings.")
        return values


def _distinct(values):
    if len(set(values)) != len(values):
        raise ValidationError("Name each dimension once.")


def group_by(allowed, default):
    """Only these dimensions: each is a rollup key column, so nothing else can be grouped."""
    return fields.List(fields.String(validate=validate.OneOf(allowed)), load_default=list(default),
                       validate=_distinct, metadata={"description": "Any of: " + ", ".join(allowed)})


class Input(Schema):
    class Meta:
        unknown = RAISE


class CompositionQuery(Input):
    group_by = group_by(CUSTOMER_DIMENSIONS, ["lifecycle_stage"])
    owner_id, lifecycle_stage, region = Values(), Values(), Values()
    value_class, industry = Values(), Values()


class PeriodQuery(Input):
    """`from` and `to` are local dates in `tz`, both included; default: the last 30 days."""
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    tz = fields.String(load_default="UTC", validate=_time_zone)
    granularity = fields.String(load_default="day", validate=validate.OneOf(GRANULARITIES))


class NewCustomersQuery(PeriodQuery):
    group_by = group_by(CUSTOMER_DIMENSIONS, [])
    owner_id, lifecycle_stage, region = Values(), Values(), Values()
    value_class, industry = Values(), Values()


class InteractionsQuery(PeriodQuery):
    group_by = group_by(INTERACTION_DIMENSIONS, ["user_id", "kind"])
    user_id, kind, owner_id = Values(), Values(), Values()


DEAL_STAGE_DIMENSIONS = ("stage", "owner_id", "status")
DEAL_OUTCOME_DIMENSIONS = ("owner_id", "team_id", "region", "product_id")


class FunnelQuery(Input):
    """Deals now by stage; with `from` / `to` only those created in that period (local dates
    in `tz`), else all. Money is always split by currency."""
    group_by = group_by(DEAL_STAGE_DIMENSIONS, ["stage"])
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    tz = fields.String(load_default="UTC", validate=_time_zone)
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
    tz = fields.String(load_default="UTC", validate=_time_zone)
    owner_id, team_id, region = Values(), Values(), Values()


CASH_DIMENSIONS = ("owner_id", "team_id", "region")


class CashQuery(PeriodQuery):
    """Invoiced (by issued_on) and collected (by received_on) per period and currency."""
    group_by = group_by(CASH_DIMENSIONS, [])
    owner_id, team_id, region, currency = Values(), Values(), Values(), Values()


class ReceivablesQuery(Input):
    """Open balances on `as_of` (a date; default today in `tz`), aged past their due date."""
    as_of = fields.Date()
    tz = fields.String(load_default="UTC", validate=_time_zone)
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
    tz = fields.String(load_default="UTC", validate=_time_zone)


class RebuildRequest(Input):
    projections = fields.List(fields.String(validate=validate.OneOf(PROJECTION_NAMES + ("all",))),
                              load_default=["all"], validate=validate.Length(min=1))


# --- outputs (documentation; the handlers build plain dicts of this shape) -------------------

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


class Report(Schema):
    group_by = fields.List(fields.String())
    filters = fields.Dict()
    rows = fields.List(fields.Dict(), metadata={
        "description": "One object per group: the grouped dimensions (owner_id/user_id also "
                       "with *_name), `count`, and `period` for time series"})
    total = fields.Integer()
    freshness = fields.Nested(Freshness)


class Period(Schema):
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    tz = fields.String()
    granularity = fields.String()


class SeriesReport(Report):
    period = fields.Nested(Period)


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


class Job(Schema):
    id = fields.String()
    kind = fields.String(metadata={"description": "rebuild | reconcile"})
    params = fields.Dict()
    status = fields.String(metadata={"description": "pending | running | done | failed"})
    requested_by = fields.String()
    requested_at = fields.String()
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    result = fields.Dict(allow_none=True)
    error = fields.String(allow_none=True)
