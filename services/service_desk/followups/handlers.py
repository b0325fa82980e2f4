"""Follow-up visits people work with (issue 12 §7): read them (a page newest first, by status,
reason, assignee, ticket, customer, due before; one), plan one by hand for a resolved ticket,
reassign or reschedule one, complete one with its outcome or cancel it with a reason — each
change published. Closed (completed or cancelled) is final: changing or closing it again is a
409 and changes nothing. The system's own scheduling is followups/schedule.py."""
import json
import uuid

from sqlalchemy import select

from services.chassis import pagination
from services.chassis.errors import Conflict
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.service_desk import metrics
from services.service_desk.directory.users import check_assignee
from services.service_desk.followups import schedule, schemas, scopes
from services.service_desk.followups.models import COMPLETED, MANUAL, SCHEDULED, TicketFollowup
from services.service_desk.tickets import scopes as ticket_scopes

FOLLOWUP = schemas.Followup()
EQUAL_FILTERS = ("status", "reason", "assignee_id", "ticket_id", "customer_id")


def dump(row):
    return FOLLOWUP.dump({column.key: getattr(row, column.key)
                          for column in TicketFollowup.__table__.columns if column.key != "origin"})


def list_followups(session, principal, query=None):
    filters = load(schemas.FollowupQuery, query or {})
    statement = select(TicketFollowup).where(scopes.condition(session, principal))
    for name in EQUAL_FILTERS:
        if filters.get(name) is not None:
            statement = statement.where(getattr(TicketFollowup, name) == filters[name])
    if filters.get("due_before") is not None:
        statement = statement.where(TicketFollowup.due_at <= filters["due_before"])
    scope = "followups:" + json.dumps({k: pagination.to_json(v) for k, v in filters.items()
                                       if k not in ("cursor", "limit")}, sort_keys=True)
    return pagination.newest_first(session, statement, TicketFollowup, filters, scope,
                                   lambda s, rows: [dump(row) for row in rows])


def get_followup(session, principal, followup_id):
    return dump(scopes.one(session, principal, followup_id))


def create_followup(uow, principal, ticket_id, data):
    """A visit planned by hand for a resolved ticket the caller works (not resolved, or no
    customer: 409)."""
    fields, session, now = load(schemas.FollowupCreate, data), uow.session, utcnow()
    ticket = ticket_scopes.one(session, principal, ticket_id, for_write=True)
    if ticket.status_category != "resolved" or ticket.merged_into:
        raise Conflict(f"Ticket {ticket.id} is not resolved: a follow-up visit comes after "
                       "the service.", {"id": ticket.id})
    if ticket.customer_id is None:
        raise Conflict(f"Ticket {ticket.id} has no customer (an unmatched sender's): attach "
                       "it to its customer first.", {"id": ticket.id})
    assignee = fields.get("assignee_id") or ticket.assignee_id or principal.user_id
    check_assignee(session, assignee, ticket.team_id)
    row = schedule.schedule(
        uow, origin=f"{MANUAL}:{uuid.uuid4()}", ticket_id=ticket.id,
        customer_id=ticket.customer_id, reason=MANUAL,
        due_at=fields.get("due_at") or schedule.due_after(ticket.resolved_at or now),
        assignee_id=assignee, team_id=ticket.team_id, actor=principal.user_id, now=now,
        note=fields.get("note"))
    return dump(row)


def update_followup(uow, principal, followup_id, data):
    """Reassign, reschedule or change the note of a scheduled visit (its assignee or a support
    manager); only what differs is recorded and published (followup_updated)."""
    fields, session, now = load(schemas.FollowupUpdate, data), uow.session, utcnow()
    row = scopes.one(session, principal, followup_id, for_write=True)
    _open(row)
    if fields.get("assignee_id"):
        check_assignee(session, fields["assignee_id"], row.team_id)
    changed = sorted(name for name in ("due_at", "assignee_id", "note")
                     if name in fields and getattr(row, name) != fields[name])
    if not changed:
        return dump(row)
    previous = row.assignee_id
    for name in changed:
        setattr(row, name, fields[name])
    row.updated_at = now
    uow.emit("followup_updated", {
        "followup_id": row.id, "ticket_id": row.ticket_id, "customer_id": row.customer_id,
        "assignee_id": row.assignee_id, "previous_assignee_id": previous, "due_at": row.due_at,
        "reason": row.reason, "changed": changed, "updated_by": principal.user_id,
        "updated_at": now})
    session.flush()
    return dump(row)


def _open(row):
    if row.status != SCHEDULED:
        raise Conflict(f"Follow-up {row.id} is {row.status}: nothing more can change.",
                       {"id": row.id})


def complete_followup(uow, principal, followup_id, data):
    fields, session, now = load(schemas.FollowupComplete, data), uow.session, utcnow()
    row = scopes.one(session, principal, followup_id, for_write=True)
    _open(row)
    row.status, row.outcome = COMPLETED, fields["outcome"]
    row.completed_at = row.updated_at = now
    uow.emit("followup_completed", {
        "followup_id": row.id, "ticket_id": row.ticket_id, "customer_id": row.customer_id,
        "assignee_id": row.assignee_id, "reason": row.reason, "outcome": row.outcome,
        "due_at": row.due_at, "completed_by": principal.user_id, "completed_at": now})
    metrics.followup("completed", row.reason)
    session.flush()
    return dump(row)


def cancel_followup(uow, principal, followup_id, data):
    fields, session, now = load(schemas.FollowupCancel, data), uow.session, utcnow()
    row = scopes.one(session, principal, followup_id, for_write=True)
    _open(row)
    schedule.cancel(uow, row, fields["reason"], principal.user_id, now)
    session.flush()
    return dump(row)
