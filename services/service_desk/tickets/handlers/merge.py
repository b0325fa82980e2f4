"""Merging: a duplicate ticket into the one that carries on (same customer, neither closed nor
merged, not itself): the duplicate's conversation moves over (each entry remembers where it was
written), a note on the target says so, the duplicate is closed with `merged_into` set;
history on both, ticket_merged and the duplicate's ticket_status_changed (reason merged).

And when customers merges two customers, the loser's tickets follow to the winner (a history
row and a ticket_updated each, actor: the event)."""
from sqlalchemy import select, update

from services.chassis.errors import Conflict, Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.service_desk.followups.models import TicketFollowup
from services.service_desk.surveys.models import TicketSurvey
from services.service_desk.tickets import schemas, scopes, statuses
from services.service_desk.tickets.handlers.record import (dump, new_id, payload, record_change,
                                                           set_status)
from services.service_desk.tickets.models import AGENT, NOTE, Ticket, TicketEntry


def _mergeable(ticket, role):
    if ticket.merged_into or ticket.status == statuses.CLOSED:
        raise Conflict(f"The {role} ticket {ticket.id} is closed or merged already.",
                       {"id": ticket.id, "merged_into": ticket.merged_into})


def merge_tickets(uow, principal, source_id, data):
    fields, session = load(schemas.MergeRequest, data), uow.session
    if fields["into"] == source_id:
        raise Invalid("The request is not valid.", {"into": ["A ticket is not its own duplicate."]})
    # lock both in id order: two merges crossing each other queue instead of deadlocking
    first, second = sorted((source_id, fields["into"]))
    locked = {ticket_id: scopes.one(session, principal, ticket_id, for_write=True)
              for ticket_id in (first, second)}
    source, target = locked[source_id], locked[fields["into"]]
    _mergeable(source, "duplicate")
    _mergeable(target, "target")
    if source.customer_id != target.customer_id:
        raise Conflict("Only tickets of the same customer merge.",
                       {"customer_id": source.customer_id})
    now = utcnow()
    moved = session.execute(update(TicketEntry).where(TicketEntry.ticket_id == source.id)
                            .values(ticket_id=target.id, merged_from=source.id)).rowcount
    target.replies += source.replies
    target.first_responded_at = min(filter(None, (target.first_responded_at,
                                                  source.first_responded_at)), default=None)
    session.add(TicketEntry(id=new_id(), ticket_id=target.id, kind=NOTE, author_kind=AGENT,
                            author_id=principal.user_id, created_at=now,
                            body=f"Merged ticket {source.id} ({source.subject}) into this one."))
    target.updated_at = now
    source.merged_into = target.id
    record_change(uow, source, "merged", {"merged_into": (None, target.id)}, principal.user_id,
                  at=now)
    record_change(uow, target, "merged_in", {"merged_from": (None, source.id)},
                  principal.user_id, at=now)
    set_status(uow, source, statuses.CLOSED, "merged", principal.user_id)
    uow.emit("ticket_merged", {"source_id": source.id, "target_id": target.id,
                               "customer_id": target.customer_id, "entries_moved": moved,
                               "merged_by": principal.user_id, "merged_at": now})
    session.flush()
    return dump(session, principal, target)


def move_customer_tickets(uow, loser_id, winner_id):
    """customers merged `loser_id` into `winner_id`: its tickets are the winner's now — and
    their surveys and follow-up visits (published later with the winner; what was published
    before keeps the customer it was about then)."""
    session, now = uow.session, utcnow()
    # The lock order of the API's writes: surveys, then tickets, then follow-ups (an answer
    # locks its survey then its ticket; a reopen its ticket then its visits). Follow-ups
    # before tickets, a reopen meanwhile deadlocked with this on PostgreSQL.
    session.execute(update(TicketSurvey).where(TicketSurvey.customer_id == loser_id)
                    .values(customer_id=winner_id))
    tickets = list(session.scalars(select(Ticket).where(Ticket.customer_id == loser_id)
                                   .order_by(Ticket.id).with_for_update()))
    session.execute(update(TicketFollowup).where(TicketFollowup.customer_id == loser_id)
                    .values(customer_id=winner_id))
    for ticket in tickets:
        ticket.customer_id, ticket.updated_at = winner_id, now
        record_change(uow, ticket, "customer_merged", {"customer_id": (loser_id, winner_id)},
                      uow.actor, at=now)
        session.flush()
        uow.emit("ticket_updated", {**payload(session, ticket), "changed": ["customer_id"],
                                    "changed_by": uow.actor})
