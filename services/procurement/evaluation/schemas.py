"""Evaluation's RPC inputs and outputs ("procurement:Evaluation", ...)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.chassis.fields import Boolean, Input, Percent, page_cursor, page_limit, text

MAX_CRITERIA = 20


class CriterionInput(Input):
    key = fields.String(required=True, validate=validate.Regexp(
        r"^[a-z][a-z0-9_]{0,31}$", error="Lower-case letters, digits and _ (e.g. quality)."))
    name = text(100, required=True)
    weight = fields.Integer(strict=True, required=True, validate=validate.Range(1, 1000),
                            metadata={"description": "relative weight (need not sum to 100)"})


class CriteriaSet(Input):
    """The whole set: criteria (each key once) and the threshold under which a supplier's
    weighted score flags it."""
    criteria = fields.List(fields.Nested(CriterionInput), required=True,
                           validate=validate.Length(min=1, max=MAX_CRITERIA))
    flag_threshold = Percent(required=True, metadata={"description": "0-100"})


class ScoreInput(Input):
    criterion = fields.String(required=True, validate=validate.Length(min=1, max=32),
                              metadata={"description": "a criterion's key"})
    score = Percent(required=True, metadata={"description": "0-100"})


class EvaluationCreate(Input):
    """For a period (period_start and period_end) or for one purchase order (order_id): one of
    the two, never both."""
    period_start = fields.Date(metadata={"description": "with period_end, unless order_id"})
    period_end = fields.Date(metadata={"description": "not before period_start"})
    order_id = fields.String(validate=validate.Length(min=1, max=36), metadata={
        "description": "evaluate one purchase order of this supplier instead of a period: "
                       "received or closed (its deliveries over); once per order"})
    scores = fields.List(fields.Nested(ScoreInput), required=True,
                         validate=validate.Length(max=MAX_CRITERIA), metadata={
                             "description": "one score for each criterion, no other — except "
                                            "on_time_delivery, computed from the goods "
                                            "receipts received in the period (or of the "
                                            "order)"})
    comment = text(2000, multiline=True)
    hold_if_flagged = Boolean(load_default=False, metadata={
        "description": "put an active supplier on hold when this evaluation flags it"})

    @validates_schema
    def _period_or_order(self, data, **kwargs):
        period = [name for name in ("period_start", "period_end") if name in data]
        if "order_id" in data:
            if period:
                raise ValidationError({name: ["Not with order_id: a period or an order, not "
                                              "both."] for name in period})
            return
        missing = [name for name in ("period_start", "period_end") if name not in data]
        if missing:
            raise ValidationError({name: ["Missing data for required field (or give "
                                          "order_id instead of a period)."] for name in missing})


class PageQuery(Input):
    cursor = page_cursor()
    limit = page_limit()


class Criterion(Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    weight = fields.Integer(required=True)


class Criteria(Schema):
    criteria = fields.List(fields.Nested(Criterion), required=True)
    flag_threshold = fields.Decimal(required=True, as_string=True)
    updated_by = fields.String(allow_none=True)
    updated_at = fields.DateTime(allow_none=True)


class Score(Schema):
    criterion = fields.String(required=True)
    score = fields.Decimal(required=True, as_string=True)
    weight = fields.Integer(required=True)


class EvaluationLeftOut(Schema):
    criterion = fields.String(required=True)
    reason = fields.String(required=True)


class SupplierOnTimeDelivery(Schema):
    supplier_id = fields.String(required=True)
    receipts = fields.Integer(required=True, metadata={"description": "goods receipts, all time"})
    on_time = fields.Integer(required=True, metadata={
        "description": "those received on or before their order's expected date"})
    on_time_rate = fields.Decimal(required=True, allow_none=True, as_string=True, metadata={
        "description": "100 × on_time / receipts, half up to 2 decimals; null without receipts"})


class Evaluation(Schema):
    id = fields.String(required=True)
    supplier_id = fields.String(required=True)
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)
    order_id = fields.String(allow_none=True)
    as_of = fields.Date(required=True, metadata={
        "description": "the day it speaks for: the period's end, or the order's last goods "
                       "receipt; the latest is the supplier's score"})
    scores = fields.List(fields.Nested(Score), required=True, metadata={
        "description": "the criteria that count (on_time_delivery computed from receipts)"})
    left_out = fields.List(fields.Nested(EvaluationLeftOut), required=True, metadata={
        "description": "criteria not in the weighted score, and why (on_time_delivery without "
                       "receipts in the period)"})
    weighted_score = fields.Decimal(required=True, as_string=True)
    threshold = fields.Decimal(required=True, as_string=True)
    below_threshold = fields.Boolean(required=True)
    current = fields.Boolean(required=True, metadata={
        "description": "the supplier's score is this one (its latest as_of)"})
    comment = fields.String(allow_none=True)
    evaluated_by = fields.String(required=True)
    created_at = fields.DateTime(required=True)
