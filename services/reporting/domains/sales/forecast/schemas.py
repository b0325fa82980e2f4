"""The forecast report's query and answer (resolved by the gateway as "reporting:<name>"
through services/reporting/schemas.py)."""

from marshmallow import Schema, fields, validate

from services.reporting.schema_parts import Freshness, Input, group_by, time_zone

FORECAST_DIMENSIONS = ("owner_id", "region", "product_id")
MAX_PERIODS = 12


class ForecastQuery(Input):
    """`periods` periods from the current one (month or quarter, local dates in `tz`), for the
    company (no group_by) or per owner, the owner's region or product; as of the end of the
    local day `as_of` (default today; not after today): the period containing it is the
    current one and only what had happened by then counts."""
    as_of = fields.Date(metadata={
        "description": "a local date in tz, not after today (default today): the forecast as it "
                       "would have been made at the end of that day"})
    granularity = fields.String(load_default="month", validate=validate.OneOf(("month", "quarter")))
    periods = fields.Integer(load_default=3, validate=validate.Range(min=1, max=MAX_PERIODS),
                             strict=True)
    group_by = group_by(FORECAST_DIMENSIONS, [])
    tz = fields.String(load_default="UTC", validate=time_zone)


Money = fields.String   # a decimal string in the row's currency (exact where it is a sum)


class Interval(Schema):
    mean = Money(metadata={"description": "the model's forecast of the period's won amount"})
    lower = Money()
    upper = Money()
    level = fields.Float(metadata={"description": "the prediction interval's level (0.95)"})


class Pipeline(Schema):
    """Open deals now, weighted."""
    open_deals = fields.Integer()
    amount = Money()
    weighted_configured = Money(metadata={
        "description": "sum of amount × the stage's configured probability (per deal, half-up)"})
    weighted_calibrated = Money(metadata={
        "description": "sum of amount × the observed win rate from the deal's stage (the "
                       "configured probability where the stage has no closed history)"})


class OpenPipeline(Pipeline):
    undated = fields.Nested(Pipeline, metadata={
        "description": "the part with no expected close date (in no period)"})


class ForecastPeriod(Schema):
    period = fields.Date(metadata={"description": "the period's first local day"})
    current = fields.Boolean(metadata={"description": "the period containing as_of"})
    won_so_far = Money(metadata={
        "description": "won amount closed in the period up to the end of as_of (exact)"})
    pipeline = fields.Nested(Pipeline, metadata={
        "description": "open deals expected to close in the period (past dates: the current one)"})
    forecast = fields.Nested(Interval, allow_none=True, metadata={
        "description": "time-series forecast of the won amount; null: too little history"})
    run_rate_remainder = Money(allow_none=True, metadata={
        "description": "the forecast's mean (to the cent) less won_so_far and the calibrated "
                       "weighted pipeline, never below 0: the business not in the pipeline yet; "
                       "null without a forecast"})
    expected_total = Money(metadata={
        "description": "won_so_far + pipeline.weighted_calibrated + run_rate_remainder (0 when "
                       "null): the period's one expected won amount"})


class MethodError(Schema):
    mae = fields.String(allow_none=True)
    mape = fields.Float(allow_none=True, metadata={"description": "percent"})


class Backtest(Schema):
    train_periods = fields.Integer()
    test_periods = fields.Integer()
    season_length = fields.Integer(allow_none=True)
    methods = fields.Dict(keys=fields.String(), values=fields.Nested(MethodError), metadata={
        "description": "model, naive_last_period, naive_same_period_last_year, "
                       "naive_same_period_last_cycle: their errors on the held-out periods"})


class ForecastRow(Schema):
    owner_id = fields.String(allow_none=True)
    owner_name = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    product_id = fields.String(allow_none=True)
    product_name = fields.String(allow_none=True)
    currency = fields.String()
    history = fields.List(fields.Dict(), metadata={
        "description": "the complete periods before the current one: period, won (exact)"})
    periods = fields.List(fields.Nested(ForecastPeriod))
    open_pipeline = fields.Nested(OpenPipeline)
    backtest = fields.Nested(Backtest, allow_none=True)


class StageProbability(Schema):
    stage = fields.String()
    configured = fields.Integer(allow_none=True, metadata={"description": "percent"})
    calibrated = fields.Float(allow_none=True, metadata={"description": "won / closed, 0..1"})
    won = fields.Integer()
    closed = fields.Integer()


class ForecastReport(Schema):
    granularity = fields.String()
    tz = fields.String()
    today = fields.Date()
    as_of = fields.Date(metadata={"description": "the day the forecast is made as of (default "
                                                 "today)"})
    group_by = fields.List(fields.String())
    probabilities = fields.List(fields.Nested(StageProbability))
    rows = fields.List(fields.Nested(ForecastRow))
    freshness = fields.Nested(Freshness)
