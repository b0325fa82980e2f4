"""RPC inputs and outputs of sales targets (re-exported by services/sales/schemas.py, where the
gateway's OpenAPI document finds them as `sales:Target`, ...)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.chassis.fields import Boolean, Input, Money, currency, page_cursor, page_limit

PERIOD_KINDS = ("month", "quarter", "year")
SCOPES = ("company", "region", "product_line", "rep")
MEASURES = ("won_revenue", "cash_collected")
MONEY = {"type": "string", "format": "decimal"}


def first_day_problem(kind, day):
    """Why `day` is not the first day of a `kind` period (None if it is)."""
    if day.day != 1:
        return "A period starts on the first day of a month."
    if kind == "quarter" and day.month not in (1, 4, 7, 10):
        return "A quarter starts on 1 January, 1 April, 1 July or 1 October."
    if kind == "year" and day.month != 1:
        return "A year starts on 1 January."
    return None


class TargetSet(Input):
    period_kind = fields.String(required=True, validate=validate.OneOf(PERIOD_KINDS))
    period_start = fields.Date(required=True, metadata={
        "description": "ISO date, the first day of the month / quarter / year"})
    scope = fields.String(required=True, validate=validate.OneOf(SCOPES))
    scope_value = fields.String(allow_none=True, validate=validate.Length(min=1, max=100),
                                metadata={"description": "null for company; the region; the "
                                          "product series; the rep's user id"})
    measure = fields.String(required=True, validate=validate.OneOf(MEASURES))
    amount = Money(required=True, metadata={**MONEY, "description": "> 0",
                                            "pattern": Money.POSITIVE, "minimum": 1})
    currency = fields.String(required=True, validate=currency)
    allow_exceeding_parent = Boolean(load_default=False, metadata={
        "description": "accept parts summing above their parent target (else 409)"})

    @validates_schema
    def _consistent(self, data, **kwargs):
        problems = {}
        if "period_kind" in data and "period_start" in data:
            problem = first_day_problem(data["period_kind"], data["period_start"])
            if problem:
                problems["period_start"] = [problem]
        if data.get("scope") == "company" and data.get("scope_value") is not None:
            problems["scope_value"] = ["A company target has no scope_value (null)."]
        scoped = data.get("scope") not in (None, "company")
        if scoped and not (data.get("scope_value") or "").strip():
            problems["scope_value"] = ["Required for this scope."]
        if "amount" in data and data["amount"] <= 0:
            problems["amount"] = ["Must be greater than 0."]
        if problems:
            raise ValidationError(problems)


class TargetQuery(Input):
    period_kind = fields.String(allow_none=True, validate=validate.OneOf(PERIOD_KINDS))
    period_start = fields.Date(allow_none=True)
    scope = fields.String(allow_none=True, validate=validate.OneOf(SCOPES))
    scope_value = fields.String(allow_none=True, validate=validate.Length(max=100))
    measure = fields.String(allow_none=True, validate=validate.OneOf(MEASURES))
    currency = fields.String(allow_none=True, validate=validate.Length(equal=3))
    cursor = page_cursor()
    limit = page_limit()


class Split(Schema):
    by = fields.String(metadata={"description": "region | rep | product_line"})
    parts = fields.Integer()
    parts_sum = Money(metadata=MONEY)
    unallocated = Money(metadata={**MONEY, "description": "amount - parts_sum, at least 0"})
    parts_exceed_by = Money(metadata={**MONEY, "description": "parts_sum - amount, at least 0"})


class Pace(Schema):
    elapsed_fraction = fields.Float()
    expected_by_now = Money(metadata=MONEY)
    pace_percent = fields.Integer(allow_none=True, metadata={
        "description": "attained / expected_by_now in percent"})
    at_risk = Boolean()


class Target(Schema):
    id = fields.String()
    period_kind = fields.String()
    period_start = fields.Date()
    period_end = fields.Date(metadata={"description": "inclusive"})
    scope = fields.String()
    scope_value = fields.String(allow_none=True)
    measure = fields.String()
    amount = Money(metadata=MONEY)
    currency = fields.String()
    parent_id = fields.String(allow_none=True)
    set_by = fields.String()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    attained = Money(allow_none=True, metadata={
        **MONEY, "description": "in the target's currency only (other currencies do not "
        "count); null for cash of a product line (payments are not per product)"})
    attainment_percent = fields.Float(allow_none=True)
    pace = fields.Nested(Pace, allow_none=True)
    splits = fields.List(fields.Nested(Split))
    parent_exceeded_by = Money(allow_none=True, metadata={
        **MONEY, "description": "how far the parts of this target's parent now exceed it"})
