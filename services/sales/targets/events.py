"""The events of sales targets (their contract: docs/contracts.md)."""
from marshmallow import Schema, fields

from services.chassis.fields import Money


class TargetSet(Schema):
    id = fields.String(required=True)
    period_kind = fields.String(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)           # inclusive
    scope = fields.String(required=True)
    scope_value = fields.String(required=True, allow_none=True)    # null for company
    measure = fields.String(required=True)
    amount = Money(required=True)
    currency = fields.String(required=True)
    parent_id = fields.String(required=True, allow_none=True)
    set_by = fields.String(required=True)
    set_at = fields.AwareDateTime(required=True)


class TargetRemoved(Schema):
    id = fields.String(required=True)
    removed_by = fields.String(required=True)
    removed_at = fields.AwareDateTime(required=True)


class TargetAtRisk(Schema):
    id = fields.String(required=True)
    period_kind = fields.String(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    scope = fields.String(required=True)
    scope_value = fields.String(required=True, allow_none=True)
    measure = fields.String(required=True)
    amount = Money(required=True)
    attained = Money(required=True)
    expected_by_now = Money(required=True)
    pace_percent = fields.Integer(required=True)
    currency = fields.String(required=True)
    detected_at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {
    "target_set": TargetSet(),
    "target_removed": TargetRemoved(),
    "target_at_risk": TargetAtRisk(),
}
