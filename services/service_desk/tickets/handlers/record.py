"""What the ticket use cases share: reading a ticket out (with whether the caller may change
it), its event payload, and recording a change — the history row and the event, in the
change's own transaction — including a status change with its timestamps."""
import json
import uuid

from sqlalchemy import select

from services.chassis.models import utcnow
from services.service_desk import metrics
from services.service_desk.directory.models import DeskCustomer
from services.service_desk.sla import track as sla
from services.service_desk.surveys import resolution as aftercare
from services.service_desk.tickets import schemas, scopes, statuses
from services.service_desk.tickets.models import Ticket, TicketChange

TICKET = schemas.Ticket()


def new_id():
    return str(uuid.uuid4())


def values(ticket):
    return {column.key: getattr(ticket, column.key) for column in Ticket.__table__.columns
            if column.key != "tags"} | {"tags": json.loads(ticket.tags)}


def dump(session, principal, ticket):
    return dump_many(session, principal, [ticket])[0]


def dump_many(session, principal, tickets):
    """A page of tickets with their customers' names, read in one query."""
    ids = {ticket.customer_id for ticket in tickets} - {None}
    names = dict(session.execute(select(DeskCustomer.id, DeskCustomer.name)
                                 .where(DeskCustomer.id.in_(ids))).all()) if ids else {}
    read_only = not scopes.may_work(principal)
    return [TICKET.dump({**values(ticket), "customer_name": names.get(ticket.customer_id),
                         "unmatched_sender": ticket.customer_id is None,
                         "read_only": read_only}) for ticket in tickets]


def payload(session, ticket):
    """The ticket as its events carry it (uow.emit dumps it through the event's schema), with
    its SLA measures as of its last change."""
    return values(ticket) | {"sla": sla.measures(session, ticket.id, ticket.updated_at)}


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def record_change(uow, ticket, action, changes, actor, reason=None, at=None):
    """One history row: {field: [from, to]} (JSON-able)."""
    uow.session.add(TicketChange(
        id=new_id(), ticket_id=ticket.id, action=action, reason=reason, changed_by=actor,
        changed_at=at or utcnow(),
        changes=json.dumps({name: [_plain(old), _plain(new)] for name, (old, new)
                            in changes.items()})))


def set_status(uow, ticket, target, reason, actor, note=None):
    """Move the ticket to `target` (the caller checked the flow), stamping when it was resolved
    or closed; history row, ticket_status_changed, metrics — and what a resolution sets off (its
survey, an A-class follow-up visit: surveys/resolution.py)."""
    now, previous = utcnow(), ticket.status
    ticket.status, ticket.status_category = target, statuses.category(target)
    ticket.updated_at = now
    if target == statuses.RESOLVED:
        ticket.resolved_at = now
    elif target == statuses.CLOSED:
        ticket.closed_at = now
        ticket.resolved_at = ticket.resolved_at or now
    elif statuses.category(target) == "open":
        ticket.resolved_at = None            # reopened: it will be resolved again
    record_change(uow, ticket, "status_changed", {"status": (previous, target)}, actor,
                  reason=note or reason, at=now)
    sla.status_changed(uow.session, ticket, now)
    uow.emit("ticket_status_changed", {
        "ticket_id": ticket.id, "customer_id": ticket.customer_id, "from_status": previous,
        "to_status": target, "from_category": statuses.category(previous),
        "to_category": statuses.category(target), "reason": reason, "changed_by": actor,
        "changed_at": now, "sla": sla.measures(uow.session, ticket.id, now)})
    aftercare.status_changed(uow, ticket, statuses.category(previous), reason, now)
    metrics.status_changed(target, reason)
