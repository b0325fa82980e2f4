"""Changing a ticket: its fields (subject, description, category, priority, tags, team,
assignee) — only what differs is recorded and published (ticket_updated with the fields that
changed, and ticket_assigned when the team or assignee did) — and its status along the flow of
tickets/statuses.py (an illegal move: 409, nothing changed). A ticket without a customer (a mail
from an unknown sender) is attached to one by `customer_id` (and `contact_id`, one of its
contact persons): the customer known and not merged away (422 otherwise), once — a ticket that
has a customer keeps it (409); the SLA takes that customer's value class from then on."""
import json

from services.chassis.errors import Conflict, Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.service_desk.directory.users import check_assignee
from services.service_desk.sla import track as sla
from services.service_desk.tickets import schemas, scopes, statuses
from services.service_desk.tickets.handlers.create import check_customer
from services.service_desk.tickets.handlers.record import (dump, payload, record_change,
                                                           set_status)

EDITABLE = ("subject", "description", "category", "priority", "team_id", "assignee_id", "tags",
            "customer_id", "contact_id")


def refuse_if_closed(ticket, what):
    if ticket.status == statuses.CLOSED:
        raise Conflict(f"Ticket {ticket.id} is closed: {what} is not possible.",
                       {"id": ticket.id})


def _fit_assignee_to_team(session, ticket, fields):
    """A new assignee must fit the team (a ticket without one joins the assignee's); a ticket
    moved to another team keeps its assignee only if they belong there."""
    team_id = fields.get("team_id", ticket.team_id)
    if fields.get("assignee_id"):
        assignee_team = check_assignee(session, fields["assignee_id"], team_id)
        if not team_id and assignee_team:
            fields["team_id"] = assignee_team
    elif "team_id" in fields and "assignee_id" not in fields and ticket.assignee_id:
        try:
            check_assignee(session, ticket.assignee_id, team_id)
        except Invalid:
            fields["assignee_id"] = None


def _attach(session, ticket, fields):
    """customer_id / contact_id given: only a ticket without a customer takes one."""
    if "customer_id" not in fields and "contact_id" not in fields:
        return
    if ticket.customer_id is not None:
        if fields.get("customer_id", ticket.customer_id) == ticket.customer_id \
                and fields.get("contact_id", ticket.contact_id) == ticket.contact_id:
            return                                      # the same again: nothing changes
        raise Conflict(f"Ticket {ticket.id} belongs to customer {ticket.customer_id}: its "
                       f"customer and contact stay.", {"id": ticket.id,
                                                       "customer_id": ticket.customer_id})
    if "customer_id" not in fields:
        raise Invalid("The request is not valid.", {"customer_id": [
            "The ticket has no customer: attach it to one with customer_id."]})
    check_customer(session, fields["customer_id"], fields.get("contact_id"))


def update_ticket(uow, principal, ticket_id, data):
    fields, session = load(schemas.TicketUpdate, data), uow.session
    ticket = scopes.one(session, principal, ticket_id, for_write=True)
    refuse_if_closed(ticket, "changing it")
    _attach(session, ticket, fields)
    if "tags" in fields:
        fields["tags"] = json.dumps(sorted(set(fields["tags"] or ())))
    _fit_assignee_to_team(session, ticket, fields)
    changes = {name: (getattr(ticket, name), fields[name]) for name in EDITABLE
               if name in fields and getattr(ticket, name) != fields[name]}
    if not changes:
        return dump(session, principal, ticket)
    now = utcnow()
    for name, (_old, new) in changes.items():
        setattr(ticket, name, new)
    ticket.updated_at = now
    shown = {name: ((json.loads(old), json.loads(new)) if name == "tags" else (old, new))
             for name, (old, new) in changes.items()}
    record_change(uow, ticket, "updated", shown, principal.user_id, at=now)
    if "priority" in changes:
        sla.priority_changed(session, ticket, now)
    if "customer_id" in changes:
        sla.customer_attached(session, ticket, now)
    session.flush()
    uow.emit("ticket_updated", {**payload(session, ticket), "changed": sorted(changes),
                                "changed_by": principal.user_id})
    if "team_id" in changes or "assignee_id" in changes:
        uow.emit("ticket_assigned", {
            "ticket_id": ticket.id, "customer_id": ticket.customer_id,
            "team_id": ticket.team_id, "assignee_id": ticket.assignee_id,
            "previous_team_id": changes.get("team_id", (ticket.team_id,))[0],
            "previous_assignee_id": changes.get("assignee_id", (ticket.assignee_id,))[0],
            "reason": "manual", "assigned_by": principal.user_id, "assigned_at": now})
    return dump(session, principal, ticket)


def change_status(uow, principal, ticket_id, data):
    fields, session = load(schemas.StatusChange, data), uow.session
    ticket = scopes.one(session, principal, ticket_id, for_write=True)
    target = fields["status"]
    if target == ticket.status:
        return dump(session, principal, ticket)
    if not statuses.may_move(ticket.status, target):
        raise Conflict(f"A ticket cannot go from {ticket.status} to {target}.",
                       {"id": ticket.id, "allowed": sorted(statuses.ALLOWED[
                           ticket.status])})
    set_status(uow, ticket, target, "manual", principal.user_id, note=fields.get("reason"))
    session.flush()
    return dump(session, principal, ticket)
