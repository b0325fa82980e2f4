"""Follow-up visits' inputs (validated here; unknown fields refused) and outputs; the gateway
names them ("service_desk:Followup", ...)."""
from marshmallow import Schema, fields, validate

from services.chassis.fields import Input, page_cursor, page_limit, text
from services.service_desk.followups.models import REASONS, STATUSES


def reference(**kwargs):
    return fields.String(validate=validate.Length(min=1, max=36), **kwargs)


class FollowupCreate(Input):
    due_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "when (default: SERVICE_DESK_FOLLOWUP_DELAY_DAYS after the resolution)"})
    assignee_id = reference(allow_none=True, metadata={
        "description": "an active agent (of the ticket's team), support manager or admin; "
                       "default: the ticket's assignee, else the caller"})
    note = text(2000, multiline=True, metadata={"description": "what to talk about"})


class FollowupUpdate(Input):
    """Only the fields given change; nothing given changes nothing."""
    due_at = fields.AwareDateTime(metadata={"description": "when"})
    assignee_id = reference(metadata={
        "description": "an active agent (of the ticket's team), support manager or admin"})
    note = text(2000, multiline=True)


class FollowupComplete(Input):
    outcome = text(2000, required=True, multiline=True, metadata={
        "description": "what came of the visit"})


class FollowupCancel(Input):
    reason = text(200, required=True)


class FollowupQuery(Input):
    status = fields.String(validate=validate.OneOf(STATUSES))
    reason = fields.String(validate=validate.OneOf(REASONS))
    assignee_id = reference()
    ticket_id = reference()
    customer_id = reference()
    due_before = fields.AwareDateTime(metadata={"description": "due at or before this instant"})
    cursor = page_cursor()
    limit = page_limit()


class Followup(Schema):
    id = fields.String(required=True)
    ticket_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    survey_id = fields.String(allow_none=True)
    reason = fields.String(required=True, metadata={"description": "low_score | a_class | manual"})
    team_id = fields.String(allow_none=True)
    assignee_id = fields.String(allow_none=True)
    status = fields.String(required=True, metadata={
        "description": "scheduled | completed | cancelled"})
    due_at = fields.DateTime(required=True)
    note = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    created_by = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    completed_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
