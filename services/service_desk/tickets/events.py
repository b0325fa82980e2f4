"""The events tickets publish (their contract, docs/contracts.md#service_desk) — one for every
change, so reporting, webhooks and audit follow each ticket. Bodies of replies and notes stay in
the service desk (they may hold anything a customer wrote); events say who, when and where.
`customer_id` is null on a ticket whose mail came from an unknown sender, until it is attached
(ticket_updated with `customer_id` in `changed`)."""
from marshmallow import Schema, fields

from services.service_desk.sla.schemas import SlaMeasures

# Added (v1, tolerant): each ticket event says the ticket's SLA after the change (business
# seconds to first response / resolution and the targets' statuses; sla/track.measures).
SLA = {"allow_none": True, "load_default": None}


class TicketRecord(Schema):
    """ticket_created, and the whole ticket after a ticket_updated."""
    id = fields.String(required=True)
    customer_id = fields.String(required=True, allow_none=True)   # None: unmatched sender
    contact_id = fields.String(allow_none=True)
    subject = fields.String(required=True)
    category = fields.String(allow_none=True)
    priority = fields.String(required=True)
    channel = fields.String(required=True)
    team_id = fields.String(allow_none=True)
    assignee_id = fields.String(allow_none=True)
    tags = fields.List(fields.String(), required=True)
    status = fields.String(required=True)
    status_category = fields.String(required=True)
    merged_into = fields.String(allow_none=True)
    created_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    first_responded_at = fields.AwareDateTime(allow_none=True)
    resolved_at = fields.AwareDateTime(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    sla = fields.Nested(SlaMeasures, **SLA)


class TicketUpdated(TicketRecord):
    changed = fields.List(fields.String(), required=True)     # the fields this change touched
    changed_by = fields.String(required=True)


class TicketAssigned(Schema):
    ticket_id = fields.String(required=True)
    customer_id = fields.String(required=True, allow_none=True)   # None: unmatched sender
    team_id = fields.String(allow_none=True)
    assignee_id = fields.String(allow_none=True)
    previous_team_id = fields.String(allow_none=True)
    previous_assignee_id = fields.String(allow_none=True)
    reason = fields.String(required=True)   # created | manual | round_robin | least_loaded
    assigned_by = fields.String(required=True)
    assigned_at = fields.AwareDateTime(required=True)


class TicketStatusChanged(Schema):
    ticket_id = fields.String(required=True)
    customer_id = fields.String(required=True, allow_none=True)   # None: unmatched sender
    from_status = fields.String(required=True)
    to_status = fields.String(required=True)
    from_category = fields.String(required=True)
    to_category = fields.String(required=True)
    reason = fields.String(required=True)          # manual | first_reply | customer_reply | merged
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)
    sla = fields.Nested(SlaMeasures, **SLA)


class TicketReplied(Schema):
    ticket_id = fields.String(required=True)
    customer_id = fields.String(required=True, allow_none=True)   # None: unmatched sender
    entry_id = fields.String(required=True)
    author_kind = fields.String(required=True)     # agent | customer
    author_id = fields.String(required=True)
    first_response = fields.Boolean(required=True)  # the agents' first public reply
    replied_at = fields.AwareDateTime(required=True)
    sla = fields.Nested(SlaMeasures, **SLA)


class TicketNoteAdded(Schema):
    ticket_id = fields.String(required=True)
    customer_id = fields.String(required=True, allow_none=True)   # None: unmatched sender
    entry_id = fields.String(required=True)
    author_id = fields.String(required=True)
    added_at = fields.AwareDateTime(required=True)


class TicketMerged(Schema):
    source_id = fields.String(required=True)       # the duplicate, now closed
    target_id = fields.String(required=True)       # the ticket that carries on
    customer_id = fields.String(required=True, allow_none=True)   # None: unmatched sender
    entries_moved = fields.Integer(required=True)
    merged_by = fields.String(required=True)
    merged_at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {"ticket_created": TicketRecord(), "ticket_updated": TicketUpdated(),
                 "ticket_assigned": TicketAssigned(),
                 "ticket_status_changed": TicketStatusChanged(),
                 "ticket_replied": TicketReplied(), "ticket_note_added": TicketNoteAdded(),
                 "ticket_merged": TicketMerged()}
