"""The events of deals (sales' contract, DESIGN.md §4): created, updated, every stage change,
and won / lost with the whole deal as it closed; and every change an admin makes to a pipeline
stage (its probability sets every deal's weighted value in it: configuration is data, so the
read models and a replay of the log follow it). Money is a string with its currency."""
from marshmallow import Schema, fields

from services.chassis.fields import Money
from services.sales.fields import Percent


class DealLine(Schema):
    position = fields.Integer(required=True)
    product_id = fields.String(required=True)
    product_name = fields.String(required=True)
    quantity = fields.Integer(required=True)
    unit_price = Money(required=True)
    discount_percent = Percent(required=True)
    total = Money(required=True)


class DealRecord(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    customer_id = fields.String(required=True, allow_none=True)  # None: imported, no account
    lead_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    stage = fields.String(required=True)
    probability = fields.Integer(required=True)
    amount = Money(required=True)
    currency = fields.String(required=True)
    expected_close_date = fields.Date(allow_none=True)
    lost_reason = fields.String(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    lines = fields.List(fields.Nested(DealLine), required=True)
    created_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class DealUpdated(DealRecord):
    changed = fields.List(fields.String(), required=True)


class DealStageChanged(Schema):
    deal_id = fields.String(required=True)
    from_stage = fields.String(allow_none=True)
    to_stage = fields.String(required=True)
    probability = fields.Integer(required=True)
    amount = Money(required=True)
    currency = fields.String(required=True)
    owner_id = fields.String(allow_none=True)
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)
    reason = fields.String(allow_none=True)


class DealClosed(DealRecord):
    """deal_won / deal_lost: the whole deal as it closed (lost_reason set for lost)."""
    changed_by = fields.String(required=True)


class PipelineStageUpdated(Schema):
    """The whole stage after an admin changed it (`changed`: the fields that did). A deal's
    weighted value is its amount × its stage's CURRENT probability, so a new probability
    re-weights every deal in the stage, open or closed."""
    key = fields.String(required=True)
    name = fields.String(required=True)
    probability = fields.Integer(required=True)
    position = fields.Integer(required=True)
    kind = fields.String(required=True)                 # open | won | lost
    active = fields.Boolean(required=True)
    changed = fields.List(fields.String(), required=True)
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {
    "deal_created": DealRecord(),
    "deal_updated": DealUpdated(),
    "deal_stage_changed": DealStageChanged(),
    "deal_won": DealClosed(),
    "deal_lost": DealClosed(),
    "pipeline_stage_updated": PipelineStageUpdated(),
}
