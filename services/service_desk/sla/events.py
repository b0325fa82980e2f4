"""The events the SLA clock publishes (docs/contracts.md#service_desk): a warning at 75 % of a
target's allowed time, and a breach — with the escalation it caused (the ticket raised one
priority, unless already urgent or resolved). Each fires once per target (per update interval)
across replicas. The supervisor's notification follows these events (a later slice). And the
configuration: a calendar or a policy as it is after each change."""
from marshmallow import Schema, fields

from services.service_desk.sla.schemas import Calendar, Policy


class TicketSlaAlarm(Schema):
    ticket_id = fields.String(required=True)
    customer_id = fields.String(required=True, allow_none=True)     # None: unmatched sender
    team_id = fields.String(allow_none=True)
    assignee_id = fields.String(allow_none=True)
    target = fields.String(required=True)          # first_response | resolution | update
    due_at = fields.AwareDateTime(required=True)
    priority = fields.String(required=True)        # after the escalation, for a breach
    occurred_at = fields.AwareDateTime(required=True)


class TicketSlaBreached(TicketSlaAlarm):
    previous_priority = fields.String(required=True)
    escalated = fields.Boolean(required=True)      # the priority was raised


EVENT_SCHEMAS = {"ticket_sla_warning": TicketSlaAlarm(), "ticket_sla_breached": TicketSlaBreached(),
                 # the configuration (DESIGN.md §5: configuration is data), whole after each change
                 "sla_calendar_set": Calendar(), "sla_policy_set": Policy()}
