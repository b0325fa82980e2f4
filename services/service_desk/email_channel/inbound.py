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
   service desk's copies of customers and their contacts). No such customer: a ticket that
   says it is unmatched — no customer, `sender_email` the sender, tagged `unmatched_sender`,
   the sender in its description — routed like any email ticket, in the queues of agents and
   support managers (never a sales rep's: it is no customer of theirs) until an agent attaches
   it to its customer (tickets/handlers/change.py); or, when
   SERVICE_DESK_EMAIL_UNMATCHED_CUSTOMER_ID names a customer the desk knows, a ticket of that
   catch-all customer, tagged likewise;
4. a mail answering one of the desk's own supervisor notices (email_channel/notices.py: a mail
   of no ticket) is staff talking, not a customer's request: kept as `unmatched`, no ticket.
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
from services.service_desk.email_channel.models import IN, OUT, RECEIVED, UNMATCHED, TicketMail
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


def answers_notice(session, mail):
    """True when the mail answers a mail the desk sent of no ticket (a supervisor notice)."""
    return bool(mail.in_reply_to) and session.scalar(select(TicketMail.id).where(
        TicketMail.message_id.in_(mail.in_reply_to), TicketMail.direction == OUT,
        TicketMail.ticket_id.is_(None)).limit(1)) is not None


def _new_ticket(uow, mail, follow_up_of=None):
    """The new ticket's id (without a customer when the sender matched none)."""
    session = uow.session
    (customer_id, contact_id), tags = sender_of(session, mail.sender), []
    description = mail.text
    if customer_id is None:
        tags, description = [UNMATCHED_TAG], f"From: {mail.sender}\n\n{mail.text}"
        customer_id = settings.email_unmatched_customer_id() or None
        if customer_id and session.get(DeskCustomer, customer_id) is None:
            customer_id = None                  # a catch-all the copy does not know: none
    if follow_up_of:
        description = f"Follow-up of closed ticket {follow_up_of}.\n\n{description}"
    data = {"subject": mail.subject, "channel": "email", "tags": tags,
            "description": parse._cut(description, parse.MAX_BODY)}
    if customer_id is None:
        return create.create_unmatched(uow, BY_MAIL, data, mail.sender)["id"]
    return create.create_ticket(uow, BY_MAIL, {**data, "customer_id": customer_id,
                                               "contact_id": contact_id})["id"]


def receive(uow, data):
    """{"outcome": created | replied | duplicate | unmatched, "ticket_id", "message_id"} —
    `unmatched` now only for an answer to a supervisor notice; a new ticket of an unknown
    sender is `created` (the ticket says it is unmatched)."""
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
    elif ticket is None and answers_notice(session, mail):
        row.status, row.body, outcome = UNMATCHED, mail.text, "unmatched"
    else:
        row.ticket_id = _new_ticket(uow, mail, follow_up_of=ticket.id if ticket else None)
        outcome = "created"
    session.flush()
    metrics.mail_received(outcome)
    return {"outcome": outcome, "ticket_id": row.ticket_id, "message_id": mail.message_id}
