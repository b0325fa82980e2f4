"""Tolerant copies (unknown=EXCLUDE: a producer may add fields) of the events customers consumes
— only the fields it uses. tests/contract/test_customers_consumes*.py load what the producers'
own schemas dump through these.

- identity's users: the shared kernel's schema (services/kernel/users_copy.py);
- marketing's campaign touches and the service desk's tickets, surveys and follow-ups: the
  customer's timeline (handlers/timeline.py).
"""
from marshmallow import EXCLUDE, Schema, fields

from services.kernel.users_copy import USER_EVENTS, UserEvent  # noqa: F401


class Tolerant(Schema):
    class Meta:
        unknown = EXCLUDE


def _optional(field=fields.String, **options):
    return field(allow_none=True, load_default=None, **options)


# --- marketing ------------------------------------------------------------------------------

class CampaignRecord(Tolerant):
    """campaign_created / campaign_updated: only its name (the title of its entries)."""
    id = fields.String(required=True)
    name = fields.String(required=True)


class CampaignEmailSent(Tolerant):
    campaign_id = fields.String(required=True)
    contact_id = fields.String(required=True)
    customer_id = _optional()                  # added later by marketing; else from contact_id
    sent_at = fields.AwareDateTime(required=True)


class Engagement(Tolerant):
    """email_opened / email_clicked."""
    campaign_id = _optional()
    contact_id = fields.String(required=True)
    customer_id = _optional()
    url = _optional()
    first = fields.Boolean(load_default=True)
    at = fields.AwareDateTime(required=True)


class ResponseReceived(Tolerant):
    id = fields.String(required=True)
    campaign_id = fields.String(required=True)
    campaign_name = _optional()
    source = _optional()                       # form | manual
    contact_id = _optional()
    customer_id = _optional()
    recorded_by = _optional()
    received_at = fields.AwareDateTime(required=True)


# --- service desk ---------------------------------------------------------------------------

class TicketRecord(Tolerant):
    """ticket_created / ticket_updated (`customer_id` None: an unknown sender's mail, until an
    agent attaches it — `changed` then names customer_id)."""
    id = fields.String(required=True)
    customer_id = fields.String(required=True, allow_none=True)
    contact_id = _optional()
    subject = fields.String(required=True)
    channel = _optional()
    priority = _optional()
    created_by = _optional()
    created_at = fields.AwareDateTime(required=True)
    changed = fields.List(fields.String(), load_default=list)      # ticket_updated's


class TicketStatusChanged(Tolerant):
    ticket_id = fields.String(required=True)
    customer_id = fields.String(required=True, allow_none=True)
    from_status = fields.String(required=True)
    to_status = fields.String(required=True)
    from_category = _optional()
    to_category = _optional()
    changed_by = _optional()
    changed_at = fields.AwareDateTime(required=True)


class SurveyAnswered(Tolerant):
    survey_id = fields.String(required=True)
    ticket_id = _optional()
    customer_id = fields.String(required=True)
    agent_id = _optional()
    score = _optional(fields.Integer)
    comment = _optional()                      # what the customer wrote for the desk (clipped)
    answered_at = fields.AwareDateTime(required=True)


class FollowupScheduled(Tolerant):
    followup_id = fields.String(required=True)
    ticket_id = _optional()
    customer_id = fields.String(required=True)
    assignee_id = _optional()
    due_at = fields.AwareDateTime(required=True)
    reason = _optional()                       # low_score | a_class | manual
    scheduled_at = _optional(fields.AwareDateTime)   # else the event's occurred_at


class FollowupCompleted(Tolerant):
    followup_id = fields.String(required=True)
    ticket_id = _optional()
    customer_id = fields.String(required=True)
    assignee_id = _optional()
    outcome = _optional()
    completed_at = fields.AwareDateTime(required=True)


class FollowupUpdated(Tolerant):
    followup_id = fields.String(required=True)
    ticket_id = _optional()
    customer_id = fields.String(required=True)
    due_at = fields.AwareDateTime(required=True)
    changed = fields.List(fields.String(), load_default=list)
    updated_by = _optional()
    updated_at = fields.AwareDateTime(required=True)


class FollowupCancelled(Tolerant):
    followup_id = fields.String(required=True)
    ticket_id = _optional()
    customer_id = fields.String(required=True)
    assignee_id = _optional()
    reason = _optional()
    cancelled_by = _optional()
    cancelled_at = fields.AwareDateTime(required=True)


MARKETING_EVENTS = {"campaign_created": CampaignRecord(), "campaign_updated": CampaignRecord(),
                    "campaign_email_sent": CampaignEmailSent(), "email_opened": Engagement(),
                    "email_clicked": Engagement(),
                    "campaign_response_received": ResponseReceived()}
SERVICE_DESK_EVENTS = {"ticket_created": TicketRecord(), "ticket_updated": TicketRecord(),
                       "ticket_status_changed": TicketStatusChanged(),
                       "survey_answered": SurveyAnswered(),
                       "followup_scheduled": FollowupScheduled(),
                       "followup_completed": FollowupCompleted(),
                       "followup_updated": FollowupUpdated(),
                       "followup_cancelled": FollowupCancelled()}
