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
    """ticket_created / ticket_updated: the whole ticket after the change."""
    id = fields.String(required=True)
    customer_id = fields.String(required=True)
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
