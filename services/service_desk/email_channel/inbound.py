"""A mail that came in (the inbound webhook, shared secret) → a ticket's conversation:

1. its Message-ID is claimed first (a unique row): the same mail delivered again is answered
   `duplicate` and changes nothing — also when two deliveries race (the second waits for the
   first's row and finds it);
2. threading: a Message-ID it answers (In-Reply-To, then References, newest first) that the
   service desk sent or received on a ticket, else the ticket token "[#T-<id>]" in its subject
   → a customer's reply on that ticket (the tickets area's own: it reopens a paused or resolved
   ticket). A merged ticket's answer goes to the ticket it was merged into; a closed ticket's
   starts a new ticket (a closed ticket takes nothing more);
3. otherwise a new ticket, channel email, for the customer whose address the sender is, else
   for the customer of the contact person whose address it is (the ticket's contact set; the
   service desk's copies of customers and their contacts). No such customer:
   the ticket goes to SERVICE_DESK_EMAIL_UNMATCHED_CUSTOMER_ID tagged `unmatched_sender` (the
   sender in its description), or — no fallback configured — the mail is kept as `unmatched`
   and no ticket is made.
"""
import hmac
import uuid

from sqlalchemy import func, select

from services.chassis.auth import Principal
from services.chassis.db import insert_ignoring_conflicts
from services.chassis.errors import Unauthorized
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.service_desk import metrics, settings
from services.service_desk.directory.models import DeskContact, DeskCustomer
from services.service_desk.email_channel import parse, schemas
from services.service_desk.email_channel.models import IN, RECEIVED, UNMATCHED, TicketMail
from services.service_desk.tickets import statuses
from services.service_desk.tickets.handlers import conversation, create
from services.service_desk.tickets.models import Ticket

BY_MAIL = Principal("inbound_email", "system")
UNMATCHED_TAG = "unmatched_sender"


def check_secret(secret):
    """Constant-time; no secret configured refuses everything (the endpoint is public)."""
    expected = settings.email_inbound_secret()
    if not expected or not isinstance(secret, str) \
            or not hmac.compare_digest(secret.encode(), expected.encode()):
        raise Unauthorized("The webhook secret is missing or wrong.")


def _claim(session, mail, now):
    """The mail's row, or None when its Message-ID was seen before."""
    row_id = str(uuid.uuid4())
    inserted = insert_ignoring_conflicts(session, TicketMail, {
        "id": row_id, "message_id": mail.message_id, "direction": IN, "status": RECEIVED,
        "address": mail.sender, "subject": mail.subject, "attempts": 0, "created_at": now},
        ["message_id"]).rowcount == 1
    return session.get(TicketMail, row_id) if inserted else None


def _surviving(session, ticket_id):
    seen = set()
    while ticket_id and ticket_id not in seen:
        seen.add(ticket_id)
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            return None
        if ticket.merged_into is None:
            return ticket
        ticket_id = ticket.merged_into
    return None


def thread_of(session, mail):
    """The ticket this mail answers, or None."""
    if mail.in_reply_to:
        found = dict(session.execute(select(TicketMail.message_id, TicketMail.ticket_id).where(
            TicketMail.message_id.in_(mail.in_reply_to),
            TicketMail.ticket_id.is_not(None))).all())
        for message_id in mail.in_reply_to:              # the nearest answered mail first
            if message_id in found:
                return _surviving(session, found[message_id])
    if mail.ticket_token:
        return _surviving(session, mail.ticket_token)
    return None


def sender_of(session, address):
    """(customer_id, contact_id) of the sender: a customer's own address first, then a contact
    person's (whose customer is known and not merged away); (None, None) when nobody's."""
    customer_id = session.scalar(select(DeskCustomer.id).where(
        func.lower(DeskCustomer.email) == address, DeskCustomer.known.is_(True),
        DeskCustomer.merged_into.is_(None)).order_by(DeskCustomer.id).limit(1))
    if customer_id is not None:
        return customer_id, None
    contact = session.execute(
        select(DeskContact.customer_id, DeskContact.id)
        .join(DeskCustomer, DeskCustomer.id == DeskContact.customer_id)
        .where(DeskContact.email == address, DeskCustomer.known.is_(True),
               DeskCustomer.merged_into.is_(None))
        .order_by(DeskContact.created_at, DeskContact.id).limit(1)).first()
    return (contact.customer_id, contact.id) if contact else (None, None)


def _new_ticket(uow, mail, follow_up_of=None):
    session = uow.session
    (customer_id, contact_id), tags = sender_of(session, mail.sender), []
    description = mail.text
    if customer_id is None:
        customer_id = settings.email_unmatched_customer_id()
        if not customer_id or session.get(DeskCustomer, customer_id) is None:
            return None
        tags, description = [UNMATCHED_TAG], f"From: {mail.sender}\n\n{mail.text}"
    if follow_up_of:
        description = f"Follow-up of closed ticket {follow_up_of}.\n\n{description}"
    ticket = create.create_ticket(uow, BY_MAIL, {
        "customer_id": customer_id, "contact_id": contact_id, "subject": mail.subject,
        "channel": "email", "tags": tags, "description": parse._cut(description, parse.MAX_BODY)})
    return ticket["id"]


def receive(uow, data):
    """{"outcome": created | replied | duplicate | unmatched, "ticket_id", "message_id"}."""
    fields = load(schemas.InboundEmail, data)
    mail = parse.parse(fields["message"])
    session, now = uow.session, utcnow()
    row = _claim(session, mail, now)
    if row is None:
        seen = session.scalar(select(TicketMail).where(TicketMail.message_id == mail.message_id))
        metrics.mail_received("duplicate")
        return {"outcome": "duplicate", "ticket_id": seen.ticket_id if seen else None,
                "message_id": mail.message_id}
    ticket = thread_of(session, mail)
    if ticket is not None and ticket.status != statuses.CLOSED:
        conversation.add_reply(uow, BY_MAIL, ticket.id, {"body": mail.text,
                                                         "from_customer": True})
        row.ticket_id, outcome = ticket.id, "replied"
    else:
        row.ticket_id = _new_ticket(uow, mail, follow_up_of=ticket.id if ticket else None)
        outcome = "created" if row.ticket_id else "unmatched"
        if row.ticket_id is None:
            row.status, row.body = UNMATCHED, mail.text
    session.flush()
    metrics.mail_received(outcome)
    return {"outcome": outcome, "ticket_id": row.ticket_id, "message_id": mail.message_id}
