"""The customer's whole history: what marketing and the service desk did with the customer,
written from their events as timeline entries (models.TimelineEntry) beside the interactions
the reps log. Each apply function is a `Subscriptions` handler: the chassis calls it once per
event id (its inbox), live or in the catch-up; the entry is keyed on the event id as well, so a
redelivered or replayed event never adds a second one.

What counts: campaign emails sent, first opens (a mail client reloading the pixel is no new
touch), every click, responses; tickets created (or, an unknown sender's, attached to the
customer later), resolved, closed and reopened (the other
status moves are the desk's own business); surveys answered (the score and the customer's
comment, clipped); follow-up visits scheduled, rescheduled, completed and cancelled. An event naming no
customer customers knows (e.g. a contact that is no customer's) writes nothing; a merged
customer's events go to the winner, like its interactions did.
"""
import logging
import uuid
from datetime import datetime, timezone

from marshmallow import ValidationError
from sqlalchemy import select, update

from services.chassis.db import insert_ignoring_conflicts
from services.chassis.models import utcnow
from services.customers.consumes import MARKETING_EVENTS, SERVICE_DESK_EVENTS
from services.customers.models import Contact, Customer, TimelineEntry, TimelineRef

log = logging.getLogger(__name__)
CAMPAIGN, TICKET = "campaign", "ticket"
MARKETING, SERVICE_DESK = "marketing", "service_desk"
ENTRY_IDS = uuid.UUID("5d1c3f0e-6a43-4c57-9a59-7c1f0b2d8e11")     # uuid5 namespace


def _load(schemas, envelope):
    try:
        return schemas[envelope["event_type"]].load(envelope["payload"])
    except ValidationError as error:     # raise: the catch-up stops here visibly, skips nothing
        raise ValueError(f"unreadable {envelope['event_type']} payload: {error.messages}")


def _customer(session, customer_id, contact_id=None):
    """The customer an event is about (the winner if it was merged), or None."""
    if customer_id is None and contact_id is not None:
        # marketing's contacts are customers' own ids: a customer itself, or a contact person
        contact = session.get(Contact, contact_id)
        customer_id = contact.customer_id if contact is not None else contact_id
    customer = session.get(Customer, customer_id) if customer_id else None
    if customer is not None and customer.merged_into:
        customer = session.get(Customer, customer.merged_into)
    return customer


def _clip(text, size=500):
    return None if text is None else str(text)[:size]


def _entry(uow, envelope, customer_id, kind, occurred_at, summary, ref=(None, None),
           user_id=None, contact_id=None, outcome=None):
    session = uow.session
    customer = _customer(session, customer_id, contact_id)
    if customer is None:
        log.info("%s %s names no known customer (%s / %s); no timeline entry",
                 envelope["event_type"], envelope["event_id"], customer_id, contact_id)
        return
    insert_ignoring_conflicts(session, TimelineEntry, {
        "id": str(uuid.uuid5(ENTRY_IDS, envelope["event_id"])), "customer_id": customer.id,
        "kind": kind, "occurred_at": occurred_at, "source": envelope["source"],
        "source_event_id": envelope["event_id"], "ref_type": ref[0], "ref_id": ref[1],
        "user_id": _clip(user_id, 64), "contact_id": _clip(contact_id, 36),
        "summary": _clip(summary), "outcome": _clip(outcome), "created_at": utcnow()},
        ["source_event_id"])


def _title(uow, envelope, ref_type, ref_id, title):
    """Keep the newest title of a campaign / ticket (by the producer's sequence)."""
    if not title:
        return
    session, sequence, title = uow.session, envelope.get("sequence") or 0, title[:300]
    inserted = insert_ignoring_conflicts(session, TimelineRef, {
        "ref_type": ref_type, "ref_id": ref_id, "title": title, "sequence": sequence},
        ["ref_type", "ref_id"]).rowcount
    if not inserted:
        session.execute(update(TimelineRef).where(
            TimelineRef.ref_type == ref_type, TimelineRef.ref_id == ref_id,
            TimelineRef.sequence <= sequence).values(title=title, sequence=sequence))


# --- marketing ------------------------------------------------------------------------------

def campaign_named(uow, envelope):
    data = _load(MARKETING_EVENTS, envelope)
    _title(uow, envelope, CAMPAIGN, data["id"], data["name"])


def email_sent(uow, envelope):
    data = _load(MARKETING_EVENTS, envelope)
    _entry(uow, envelope, data["customer_id"], "campaign_sent", data["sent_at"],
           "Campaign email sent", ref=(CAMPAIGN, data["campaign_id"]),
           contact_id=data["contact_id"])


def email_engaged(uow, envelope):
    data = _load(MARKETING_EVENTS, envelope)
    clicked = envelope["event_type"] == "email_clicked"
    if not clicked and not data["first"]:
        return                                   # a repeated open is no new touch
    summary = f"Clicked {data['url']}" if clicked and data["url"] else (
        "Campaign email link clicked" if clicked else "Campaign email opened")
    _entry(uow, envelope, data["customer_id"], "campaign_clicked" if clicked else "campaign_opened",
           data["at"], summary,
           ref=(CAMPAIGN, data["campaign_id"]) if data["campaign_id"] else (None, None),
           contact_id=data["contact_id"])


def response_received(uow, envelope):
    data = _load(MARKETING_EVENTS, envelope)
    _title(uow, envelope, CAMPAIGN, data["campaign_id"], data["campaign_name"])
    how = {"form": "through the campaign's form", "manual": "recorded by a rep"}.get(data["source"])
    _entry(uow, envelope, data["customer_id"], "campaign_responded", data["received_at"],
           f"Responded to the campaign{' ' + how if how else ''}",
           ref=(CAMPAIGN, data["campaign_id"]), contact_id=data["contact_id"],
           user_id=data["recorded_by"] if data["source"] == "manual" else None)


# --- service desk ---------------------------------------------------------------------------

def _attached(uow, envelope, data):
    """A ticket of an unknown sender's mail (no customer when created: no entry then) attached
    to its customer later — unless the customer's timeline has the ticket already (a customer
    merge moves a ticket to the winner, whose timeline took the loser's entries)."""
    if envelope["event_type"] != "ticket_updated" or "customer_id" not in data["changed"]:
        return False
    customer = _customer(uow.session, data["customer_id"])
    return customer is not None and uow.session.scalar(select(TimelineEntry.id).where(
        TimelineEntry.customer_id == customer.id, TimelineEntry.kind == "ticket_created",
        TimelineEntry.ref_type == TICKET, TimelineEntry.ref_id == data["id"]).limit(1)) is None


def ticket_recorded(uow, envelope):
    data = _load(SERVICE_DESK_EVENTS, envelope)
    _title(uow, envelope, TICKET, data["id"], data["subject"])
    if envelope["event_type"] == "ticket_created" or _attached(uow, envelope, data):
        via = f" ({data['channel']})" if data["channel"] else ""
        _entry(uow, envelope, data["customer_id"], "ticket_created", data["created_at"],
               f"Ticket opened{via}", ref=(TICKET, data["id"]), user_id=data["created_by"],
               contact_id=data["contact_id"], outcome=data["priority"] and
               f"priority {data['priority']}")


TICKET_MOVES = {"resolved": ("ticket_resolved", "Ticket resolved"),
                "closed": ("ticket_closed", "Ticket closed")}


def ticket_status_changed(uow, envelope):
    data = _load(SERVICE_DESK_EVENTS, envelope)
    move = TICKET_MOVES.get(data["to_status"])
    if move is None and data["from_status"] in TICKET_MOVES and data["to_category"] != "resolved":
        move = ("ticket_reopened", "Ticket reopened")
    if move is None:
        return
    _entry(uow, envelope, data["customer_id"], move[0], data["changed_at"], move[1],
           ref=(TICKET, data["ticket_id"]), user_id=data["changed_by"])


def _ticket(data):
    return (TICKET, data["ticket_id"]) if data["ticket_id"] else (None, None)


def survey_answered(uow, envelope):
    data = _load(SERVICE_DESK_EVENTS, envelope)
    said = [f"score {data['score']}/100"] if data["score"] is not None else []
    said += [data["comment"].strip()] if (data["comment"] or "").strip() else []
    _entry(uow, envelope, data["customer_id"], "survey_answered", data["answered_at"],
           "Satisfaction survey answered", ref=_ticket(data), user_id=data["agent_id"],
           outcome=": ".join(said) or None)


def followup_scheduled(uow, envelope):
    data = _load(SERVICE_DESK_EVENTS, envelope)
    _entry(uow, envelope, data["customer_id"], "followup_scheduled",
           data["scheduled_at"] or envelope_time(envelope),
           f"Follow-up visit scheduled for {data['due_at'].date().isoformat()}",
           ref=_ticket(data), user_id=data["assignee_id"], outcome=data["reason"])


def followup_completed(uow, envelope):
    data = _load(SERVICE_DESK_EVENTS, envelope)
    _entry(uow, envelope, data["customer_id"], "followup_completed", data["completed_at"],
           "Follow-up visit completed", ref=_ticket(data), user_id=data["assignee_id"],
           outcome=data["outcome"])


def followup_updated(uow, envelope):
    """Only a new date is the customer's business (a reassignment or a note is the desk's)."""
    data = _load(SERVICE_DESK_EVENTS, envelope)
    if "due_at" not in data["changed"]:
        return
    _entry(uow, envelope, data["customer_id"], "followup_rescheduled", data["updated_at"],
           f"Follow-up visit rescheduled for {data['due_at'].date().isoformat()}",
           ref=_ticket(data), user_id=data["updated_by"])


def followup_cancelled(uow, envelope):
    data = _load(SERVICE_DESK_EVENTS, envelope)
    _entry(uow, envelope, data["customer_id"], "followup_cancelled", data["cancelled_at"],
           "Follow-up visit cancelled", ref=_ticket(data), user_id=data["cancelled_by"],
           outcome=data["reason"])


def envelope_time(envelope):
    """When the producer recorded the event (a scheduling's own time is not in its payload)."""
    try:
        when = datetime.fromisoformat(envelope["occurred_at"])
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"{envelope['event_type']} {envelope['event_id']}: no occurred_at")
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


SUBSCRIPTIONS = {
    MARKETING: {"campaign_created": campaign_named, "campaign_updated": campaign_named,
                "campaign_email_sent": email_sent, "email_opened": email_engaged,
                "email_clicked": email_engaged, "campaign_response_received": response_received},
    SERVICE_DESK: {"ticket_created": ticket_recorded, "ticket_updated": ticket_recorded,
                   "ticket_status_changed": ticket_status_changed,
                   "survey_answered": survey_answered, "followup_scheduled": followup_scheduled,
                   "followup_completed": followup_completed,
                   "followup_updated": followup_updated,
                   "followup_cancelled": followup_cancelled},
}
