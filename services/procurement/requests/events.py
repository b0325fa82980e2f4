"""The events purchase requests publish (docs/contracts.md#procurement): every step of a
request's life and of its approval — created, updated (a draft), submitted (with its chain),
each step approved, approved, rejected, cancelled — and every change of the approval policy.
Reporting's approval cycle time and open commitments (later) are built from these."""
from marshmallow import Schema, fields


class LineRecord(Schema):
    id = fields.String(required=True)
    position = fields.Integer(required=True)
    item = fields.String(required=True)
    quantity = fields.Decimal(required=True, as_string=True)
    unit = fields.String(required=True)
    estimated_unit_price = fields.Decimal(required=True, as_string=True)
    line_total = fields.Decimal(required=True, as_string=True)
    needed_by = fields.Date(allow_none=True)
    category = fields.String(allow_none=True)


class RequestRecord(Schema):
    """purchase_request_created, and the whole request after purchase_request_updated."""
    id = fields.String(required=True)
    requester_id = fields.String(required=True)
    requester_team_id = fields.String(allow_none=True)
    title = fields.String(required=True)
    currency = fields.String(required=True)
    total = fields.Decimal(required=True, as_string=True)
    status = fields.String(required=True)
    lines = fields.List(fields.Nested(LineRecord), required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class RequestUpdated(RequestRecord):
    changed = fields.List(fields.String(), required=True)
    changed_by = fields.String(required=True)


class RequestSubmitted(Schema):
    request_id = fields.String(required=True)
    requester_id = fields.String(required=True)
    currency = fields.String(required=True)
    total = fields.Decimal(required=True, as_string=True)
    steps = fields.List(fields.String(), required=True)       # the roles, in order
    submitted_at = fields.AwareDateTime(required=True)


class StepDecided(Schema):
    """purchase_request_step_approved and purchase_request_rejected (the step that rejected)."""
    request_id = fields.String(required=True)
    position = fields.Integer(required=True)
    role = fields.String(required=True)
    decided_by = fields.String(required=True)
    comment = fields.String(allow_none=True)
    decided_at = fields.AwareDateTime(required=True)
    next_role = fields.String(allow_none=True)          # the step now pending (none: the last)


class RequestApproved(Schema):
    request_id = fields.String(required=True)
    requester_id = fields.String(required=True)
    currency = fields.String(required=True)
    total = fields.Decimal(required=True, as_string=True)
    submitted_at = fields.AwareDateTime(required=True)
    approved_at = fields.AwareDateTime(required=True)


class RequestCancelled(Schema):
    request_id = fields.String(required=True)
    from_status = fields.String(required=True)
    cancelled_by = fields.String(required=True)
    cancelled_at = fields.AwareDateTime(required=True)


class TierRecord(Schema):
    up_to = fields.Decimal(allow_none=True, as_string=True)
    steps = fields.List(fields.String(), required=True)


class PolicyRecord(Schema):
    currency = fields.String(required=True)
    tiers = fields.List(fields.Nested(TierRecord), required=True)


class PolicyChanged(Schema):
    policies = fields.List(fields.Nested(PolicyRecord), required=True)
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {"purchase_request_created": RequestRecord(),
                 "purchase_request_updated": RequestUpdated(),
                 "purchase_request_submitted": RequestSubmitted(),
                 "purchase_request_step_approved": StepDecided(),
                 "purchase_request_approved": RequestApproved(),
                 "purchase_request_rejected": StepDecided(),
                 "purchase_request_cancelled": RequestCancelled(),
                 "approval_policy_changed": PolicyChanged()}
