"""The service desk's ticket and SLA events as reporting reads them (tolerant copies:
services/reporting/tolerant.py). Only what the service KPIs read is declared; the SLA measures
(business seconds to first response / resolution, the targets' statuses) are an added field of
the ticket events, so an event without them (an older producer) loads with `sla` None."""
from marshmallow import fields

from services.reporting.tolerant import Tolerant

RECORD_EVENTS = ("ticket_created", "ticket_updated")


class SlaMeasures(Tolerant):
    first_response_seconds = fields.Integer(allow_none=True, load_default=None)
    first_response_status = fields.String(allow_none=True, load_default=None)
    resolution_seconds = fields.Integer(allow_none=True, load_default=None)
    resolution_status = fields.String(allow_none=True, load_default=None)


SLA = {"allow_none": True, "load_default": None}


class TicketRecord(Tolerant):
    """ticket_created / ticket_updated: the whole ticket after the change (`customer_id` None:
    a mail from an unknown sender, not attached to a customer yet)."""
    id = fields.String(required=True)
    customer_id = fields.String(required=True, allow_none=True)
    category = fields.String(allow_none=True, load_default=None)
    priority = fields.String(required=True)
    channel = fields.String(required=True)
    team_id = fields.String(allow_none=True, load_default=None)
    assignee_id = fields.String(allow_none=True, load_default=None)
    status = fields.String(required=True)
    status_category = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    sla = fields.Nested(SlaMeasures, **SLA)


class TicketAssigned(Tolerant):
    ticket_id = fields.String(required=True)
    team_id = fields.String(allow_none=True, load_default=None)
    assignee_id = fields.String(allow_none=True, load_default=None)


class TicketStatusChanged(Tolerant):
    ticket_id = fields.String(required=True)
    to_status = fields.String(required=True)
    from_category = fields.String(required=True)
    to_category = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)
    sla = fields.Nested(SlaMeasures, **SLA)


class TicketReplied(Tolerant):
    ticket_id = fields.String(required=True)
    sla = fields.Nested(SlaMeasures, **SLA)


class TicketSlaBreached(Tolerant):
    ticket_id = fields.String(required=True)
    target = fields.String(required=True)            # first_response | resolution | update
    due_at = fields.AwareDateTime(required=True)


# --- satisfaction surveys and follow-up visits (issue 12 §7) -----------------------------------
SURVEY_EVENTS = ("survey_answered",)
FOLLOWUP_EVENTS = ("followup_scheduled", "followup_updated", "followup_completed",
                   "followup_cancelled")


class SurveyAnswered(Tolerant):
    """What the ticket was at its resolution (agent, team, category, priority) and the score."""
    survey_id = fields.String(required=True)
    ticket_id = fields.String(required=True)
    agent_id = fields.String(allow_none=True, load_default=None)
    team_id = fields.String(allow_none=True, load_default=None)
    category = fields.String(allow_none=True, load_default=None)
    priority = fields.String(allow_none=True, load_default=None)
    score = fields.Integer(required=True)
    answered_at = fields.AwareDateTime(required=True)


class FollowupScheduled(Tolerant):
    followup_id = fields.String(required=True)
    ticket_id = fields.String(required=True)
    assignee_id = fields.String(allow_none=True, load_default=None)
    due_at = fields.AwareDateTime(required=True)
    reason = fields.String(allow_none=True, load_default=None)


class FollowupUpdated(Tolerant):
    """Reassigned or rescheduled while scheduled: its assignee and due instant now."""
    followup_id = fields.String(required=True)
    ticket_id = fields.String(required=True)
    assignee_id = fields.String(allow_none=True, load_default=None)
    due_at = fields.AwareDateTime(required=True)


class FollowupCompleted(Tolerant):
    followup_id = fields.String(required=True)
    ticket_id = fields.String(required=True)
    assignee_id = fields.String(allow_none=True, load_default=None)
    due_at = fields.AwareDateTime(allow_none=True, load_default=None)
    outcome = fields.String(allow_none=True, load_default=None)
    completed_at = fields.AwareDateTime(required=True)


class FollowupCancelled(Tolerant):
    followup_id = fields.String(required=True)
    ticket_id = fields.String(required=True)
    reason = fields.String(allow_none=True, load_default=None)
