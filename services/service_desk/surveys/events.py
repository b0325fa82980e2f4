"""The events satisfaction surveys publish (their contract, docs/contracts.md#service_desk):
mailed, answered (with what the ticket was at its resolution, so reporting measures agents,
teams, categories and priorities without asking), and escalated to a supervisor (a score below
SERVICE_DESK_SURVEY_SCORE_THRESHOLD). The comment travels: it is what the customer wrote for
the service desk to read, and the customer's timeline shows it."""
from marshmallow import Schema, fields


class SurveySent(Schema):
    survey_id = fields.String(required=True)
    ticket_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    sent_at = fields.AwareDateTime(required=True)
    resolved_at = fields.AwareDateTime(required=True)


class SurveyAnswered(Schema):
    survey_id = fields.String(required=True)
    ticket_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    agent_id = fields.String(allow_none=True)      # the ticket's assignee at its resolution
    team_id = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    priority = fields.String(required=True)
    score = fields.Integer(required=True)          # 0–100 (stars 1–5 mapped: 0, 25, 50, 75, 100)
    stars = fields.Integer(allow_none=True)        # as given, when answered with stars
    comment = fields.String(allow_none=True)
    resolved_at = fields.AwareDateTime(required=True)
    answered_at = fields.AwareDateTime(required=True)


class SurveyEscalated(Schema):
    survey_id = fields.String(required=True)
    ticket_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    supervisor_id = fields.String(allow_none=True)  # none known: the escalation still stands
    score = fields.Integer(required=True)
    threshold = fields.Integer(required=True)
    team_id = fields.String(allow_none=True)
    agent_id = fields.String(allow_none=True)
    followup_id = fields.String(allow_none=True)
    escalated_at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {"survey_sent": SurveySent(), "survey_answered": SurveyAnswered(),
                 "survey_escalated": SurveyEscalated()}
