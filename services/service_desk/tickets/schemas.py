"""Tickets' RPC inputs (validated here; unknown fields refused) and outputs; the gateway names
them ("service_desk:Ticket", ...)."""
from marshmallow import Schema, fields, validate

from services.chassis.fields import Boolean, Input, not_blank, page_cursor, page_limit, text
from services.service_desk.tickets.models import CHANNELS, PRIORITIES
from services.service_desk.tickets.statuses import CATEGORY_NAMES, STATUSES


def reference(**kwargs):
    return fields.String(validate=validate.Length(min=1, max=36), **kwargs)


MAX_TAGS = 20


def tags():
    return fields.List(fields.String(validate=[validate.Length(min=1, max=50), not_blank]),
                       validate=validate.Length(max=MAX_TAGS),
                       metadata={"description": "the ticket's tags (all of them)"})


class TicketFields(Input):
    subject = text(200)
    description = text(20_000, multiline=True)
    category = text(64, metadata={"description": "free text, e.g. billing, delivery, repair"})
    priority = fields.String(validate=validate.OneOf(PRIORITIES))
    team_id = reference(allow_none=True)
    assignee_id = reference(allow_none=True, metadata={
        "description": "an active agent / support manager / admin (of the team, if it has one)"})
    tags = tags()


class TicketCreate(TicketFields):
    customer_id = reference(required=True)
    contact_id = reference(allow_none=True, metadata={
        "description": "one of the customer's contact persons"})
    subject = text(200, required=True)
    priority = fields.String(load_default="medium", validate=validate.OneOf(PRIORITIES))
    channel = fields.String(load_default="api", validate=validate.OneOf(CHANNELS))


class UnmatchedTicketCreate(TicketFields):
    """A ticket of a mail whose sender is no customer's (email_channel/inbound.py): no customer
    until an agent attaches one (TicketUpdate customer_id)."""
    subject = text(200, required=True)
    priority = fields.String(load_default="medium", validate=validate.OneOf(PRIORITIES))
    channel = fields.String(load_default="email", validate=validate.OneOf(CHANNELS))


class TicketUpdate(TicketFields):
    """Only the fields given change (status has its own route; channel stays; the customer is
    set once, on a ticket without one — an unmatched sender's); nothing given changes nothing.
    A ticket keeps a subject and a priority (no null)."""
    subject = fields.String(validate=[validate.Length(min=1, max=200), not_blank])
    customer_id = reference(metadata={
        "description": "attach a ticket without a customer (an unmatched sender's mail) to "
                       "this customer; a ticket that has one keeps it (409)"})
    contact_id = reference(allow_none=True, metadata={
        "description": "with customer_id: one of that customer's contact persons"})


class StatusChange(Input):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    reason = text(200)


class ReplyCreate(Input):
    body = text(20_000, required=True, multiline=True)
    from_customer = Boolean(load_default=False, metadata={
        "description": "the customer's reply (taken by phone, pasted from mail): it reopens a "
                       "paused or resolved ticket; default: the agent's own public reply"})


class NoteCreate(Input):
    body = text(20_000, required=True, multiline=True)


class MergeRequest(Input):
    into = reference(required=True, metadata={
        "description": "the ticket that carries on (same customer, not closed)"})


class TicketQuery(Input):
    status = fields.String(validate=validate.OneOf(STATUSES))
    status_category = fields.String(validate=validate.OneOf(CATEGORY_NAMES))
    priority = fields.String(validate=validate.OneOf(PRIORITIES))
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    team_id = reference()
    assignee_id = reference(metadata={"description": "a user id, or `none` for unassigned"})
    customer_id = reference()
    unmatched = Boolean(metadata={
        "description": "true: only the tickets without a customer (a mail from an unknown "
                       "sender), to attach; false: only those with one"})
    category = text(64)
    tag = text(50)
    cursor = page_cursor()
    limit = page_limit()


class PageQuery(Input):
    cursor = page_cursor()
    limit = page_limit()


class Ticket(Schema):
    id = fields.String(required=True)
    customer_id = fields.String(required=True, allow_none=True, metadata={
        "description": "null: the mail's sender matched no customer (`unmatched_sender`)"})
    customer_name = fields.String(allow_none=True)
    contact_id = fields.String(allow_none=True)
    unmatched_sender = fields.Boolean(required=True, metadata={
        "description": "no customer yet: a mail from an address no customer or contact "
                       "person has; attach it with PATCH customer_id"})
    sender_email = fields.String(allow_none=True, metadata={
        "description": "the address an unmatched mail came from (kept once attached)"})
    subject = fields.String(required=True)
    description = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    priority = fields.String(required=True)
    channel = fields.String(required=True)
    team_id = fields.String(allow_none=True)
    assignee_id = fields.String(allow_none=True)
    tags = fields.List(fields.String(), required=True)
    status = fields.String(required=True)
    status_category = fields.String(required=True)
    merged_into = fields.String(allow_none=True)
    replies = fields.Integer(required=True)
    created_by = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    first_responded_at = fields.DateTime(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    read_only = fields.Boolean(required=True, metadata={
        "description": "the caller may read but not change it (a sales rep)"})


class TicketEntry(Schema):
    id = fields.String(required=True)
    ticket_id = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "reply | note (internal)"})
    author_kind = fields.String(required=True, metadata={"description": "agent | customer"})
    author_id = fields.String(required=True)
    body = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    merged_from = fields.String(allow_none=True)


class TicketChange(Schema):
    id = fields.String(required=True)
    ticket_id = fields.String(required=True)
    action = fields.String(required=True)
    changes = fields.Dict(required=True, metadata={"description": "{field: [from, to]}"})
    reason = fields.String(allow_none=True)
    changed_by = fields.String(required=True)
    changed_at = fields.DateTime(required=True)
