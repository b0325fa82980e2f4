"""The events follow-up visits publish (their contract, docs/contracts.md#service_desk):
scheduled (why: a low survey score, an A-class customer, or by hand), reassigned or
rescheduled, completed with its outcome, cancelled with a reason — reporting counts them,
the customer's timeline shows them."""
from marshmallow import Schema, fields


class FollowupScheduled(Schema):
    followup_id = fields.String(required=True)
    ticket_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    assignee_id = fields.String(allow_none=True)
    team_id = fields.String(allow_none=True)
    survey_id = fields.String(allow_none=True)
    due_at = fields.AwareDateTime(required=True)
    reason = fields.String(required=True)          # low_score | a_class | manual
    scheduled_by = fields.String(required=True)
    scheduled_at = fields.AwareDateTime(required=True)


class FollowupCompleted(Schema):
    followup_id = fields.String(required=True)
    ticket_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    assignee_id = fields.String(allow_none=True)
    reason = fields.String(required=True)
    outcome = fields.String(required=True)
    due_at = fields.AwareDateTime(required=True)
    completed_by = fields.String(required=True)
    completed_at = fields.AwareDateTime(required=True)


class FollowupCancelled(Schema):
    followup_id = fields.String(required=True)
    ticket_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    assignee_id = fields.String(allow_none=True)
    reason = fields.String(required=True)          # why it was cancelled (e.g. ticket_reopened)
    cancelled_by = fields.String(required=True)
    cancelled_at = fields.AwareDateTime(required=True)


class FollowupUpdated(Schema):
    """Reassigned, rescheduled or its note changed (while scheduled)."""
    followup_id = fields.String(required=True)
    ticket_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    assignee_id = fields.String(allow_none=True)
    previous_assignee_id = fields.String(allow_none=True)
    due_at = fields.AwareDateTime(required=True)
    reason = fields.String(required=True)
    changed = fields.List(fields.String(), required=True)
    updated_by = fields.String(required=True)
    updated_at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {"followup_scheduled": FollowupScheduled(),
                 "followup_completed": FollowupCompleted(),
                 "followup_cancelled": FollowupCancelled(),
                 "followup_updated": FollowupUpdated()}
