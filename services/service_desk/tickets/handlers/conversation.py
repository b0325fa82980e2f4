"""The conversation of a ticket: public replies and internal notes, each with its author and
time, oldest first.

- An agent's public reply is the first response if none came before (first_responded_at), and
  takes a `new` ticket into `open`.
- A customer's reply reopens a paused or resolved ticket (back to `open`, reason
  customer_reply); a closed ticket takes nothing more (409: a new ticket is the way).
- An agent's public reply is mailed to the customer (email_channel/outbound.py: queued in
  this transaction, sent by a timer).
- A note is internal: it changes no status.
"""
from sqlalchemy import select

from services.chassis import pagination
from services.chassis.errors import Conflict
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.service_desk.email_channel import outbound
from services.service_desk.sla import track as sla
from services.service_desk.tickets import schemas, scopes, statuses
from services.service_desk.tickets.handlers.record import new_id, record_change, set_status
from services.service_desk.tickets.models import AGENT, CUSTOMER, NOTE, REPLY, TicketEntry

ENTRY = schemas.TicketEntry()


def _closed(ticket):
    if ticket.status == statuses.CLOSED:
        raise Conflict(f"Ticket {ticket.id} is closed; open a new ticket.",
                       {"id": ticket.id})


def _entry(uow, ticket, kind, author_kind, author_id, body, now):
    entry = TicketEntry(id=new_id(), ticket_id=ticket.id, kind=kind, author_kind=author_kind,
                        author_id=author_id, body=body, created_at=now)
    uow.session.add(entry)
    ticket.updated_at = now
    return entry


def add_reply(uow, principal, ticket_id, data, author_id=None):
    """`author_id`: who the customer is, for a customer's reply (the contact, else the
    customer, else — no customer yet — the unmatched sender's address); the principal is who
    recorded it."""
    fields, session = load(schemas.ReplyCreate, data), uow.session
    ticket = scopes.one(session, principal, ticket_id, for_write=True)
    _closed(ticket)
    now = utcnow()
    from_customer = fields["from_customer"]
    author_kind = CUSTOMER if from_customer else AGENT
    author = (author_id or ticket.contact_id or ticket.customer_id or ticket.sender_email
              or "unknown") if from_customer else principal.user_id
    entry = _entry(uow, ticket, REPLY, author_kind, author, fields["body"], now)
    ticket.replies += 1
    if not from_customer:
        sla.agent_replied(session, ticket, now)
        session.flush()
        outbound.queue_reply(session, ticket, entry)     # mailed by the timer, even if SMTP is down
    first = not from_customer and ticket.first_responded_at is None
    if first:
        ticket.first_responded_at = now
        record_change(uow, ticket, "first_response", {"first_responded_at": (None, now)},
                      principal.user_id, at=now)
    uow.emit("ticket_replied", {
        "ticket_id": ticket.id, "customer_id": ticket.customer_id, "entry_id": entry.id,
        "author_kind": author_kind, "author_id": author, "first_response": first,
        "replied_at": now, "sla": sla.measures(session, ticket.id, now)})
    if from_customer and statuses.reopens_on_customer_reply(ticket.status):
        set_status(uow, ticket, statuses.OPEN, "customer_reply", principal.user_id)
    elif not from_customer and ticket.status == statuses.NEW:
        set_status(uow, ticket, statuses.OPEN, "first_reply", principal.user_id)
    session.flush()
    return ENTRY.dump(entry)


def add_note(uow, principal, ticket_id, data):
    fields, session = load(schemas.NoteCreate, data), uow.session
    ticket = scopes.one(session, principal, ticket_id, for_write=True)
    _closed(ticket)
    now = utcnow()
    entry = _entry(uow, ticket, NOTE, AGENT, principal.user_id, fields["body"], now)
    uow.emit("ticket_note_added", {"ticket_id": ticket.id, "customer_id": ticket.customer_id,
                                   "entry_id": entry.id, "author_id": principal.user_id,
                                   "added_at": now})
    session.flush()
    return ENTRY.dump(entry)


def list_entries(session, principal, ticket_id, query=None):
    filters = load(schemas.PageQuery, query or {})
    ticket = scopes.one(session, principal, ticket_id)
    statement = select(TicketEntry).where(TicketEntry.ticket_id == ticket.id)
    return pagination.oldest_first(session, statement, TicketEntry, TicketEntry.created_at,
                                   filters, f"entries:{ticket.id}", ENTRY.dump)

