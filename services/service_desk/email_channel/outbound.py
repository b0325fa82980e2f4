"""An agent's public reply (or a satisfaction survey's invitation, surveys/mailing.py) → a mail
to the customer, never lost when SMTP is down.

Why an outbox row and a timer (not sending inside the RPC, and not marketing automation's
"the run waits" state machine): the reply is the agent's write and must commit whether or not
the mail server answers; the row is written in the reply's own transaction (`queue_reply`), so
there is no reply without its mail and no mail without its reply. The timer (`send_due`) sends
what is due, each row claimed first by a conditional UPDATE (one replica sends it; a sender that
dies mid-way releases it when the claim's lease runs out). A transient failure (server down,
4xx) waits and tries again with a growing delay; a permanent refusal (5xx) marks the row failed
with the server's answer. Exactly once as far as SMTP allows: the Message-ID is derived from the
reply (`mail.message_id("ticket-reply/<entry>")`), so the one case that can repeat — the server
accepted but the process died before marking the row sent — repeats the same mail, which the
receiving side can recognise.

The mail goes to the address the customer last wrote from on this ticket, else the customer's
address in the service desk's copy; neither known → nothing to mail. It answers the latest mail
of the ticket (In-Reply-To, References) and carries the ticket token in its subject, so the
customer's answer threads back (inbound.py).
"""
import uuid
from datetime import timedelta

from sqlalchemy import select, update

from services.chassis import mail
from services.chassis.models import utcnow
from services.service_desk import metrics, settings
from services.service_desk.directory.models import DeskCustomer
from services.service_desk.email_channel import parse
from services.service_desk.email_channel.models import (FAILED, IN, OUT, PENDING, SENT,
                                                        TicketMail)
from services.service_desk.surveys import delivery

MAX_REFERENCES = 20


def _thread(session, ticket_id):
    return list(session.scalars(select(TicketMail).where(
        TicketMail.ticket_id == ticket_id, TicketMail.status != FAILED)
        .order_by(TicketMail.created_at, TicketMail.id)))


def subject_for(ticket, prefix="Re: "):
    tag = parse.token(ticket.id)
    return f"{prefix}{ticket.subject}"[:250 - len(tag) - 1] + " " + tag


def queue_reply(session, ticket, entry):
    """The reply's mail, due now, in the caller's transaction (None: no address to mail)."""
    return queue(session, ticket, f"ticket-reply/{entry.id}", subject_for(ticket), entry.body,
                 entry_id=entry.id)


def queue(session, ticket, key, subject, body, entry_id=None, survey_id=None):
    """A mail of the ticket to its customer, due now, in the caller's transaction, with the
    Message-ID derived from `key` and the headers that thread its answer back (None: no
    address to mail)."""
    thread = _thread(session, ticket.id)
    received = [row for row in thread if row.direction == IN]
    address = received[-1].address if received else session.scalar(
        select(DeskCustomer.email).where(DeskCustomer.id == ticket.customer_id))
    if not address:
        return None
    ids = [row.message_id for row in thread][-MAX_REFERENCES:]
    now = utcnow()
    row = TicketMail(id=str(uuid.uuid4()), message_id=mail.message_id(key), direction=OUT,
                     status=PENDING, ticket_id=ticket.id, entry_id=entry_id,
                     survey_id=survey_id, address=address, subject=subject, body=body,
                     in_reply_to=ids[-1] if ids else None, references=" ".join(ids) or None,
                     attempts=0, next_attempt_at=now, created_at=now)
    session.add(row)
    return row


def _delay(attempts):
    return timedelta(seconds=min(settings.email_retry_seconds() * 2 ** (attempts - 1),
                                 settings.email_retry_max_seconds()))


def _claim(db, row_id, now):
    """The row's message, or None when another sender has it (or it is no longer due)."""
    with db.unit_of_work() as uow:
        claimed = uow.session.execute(
            update(TicketMail).where(TicketMail.id == row_id, TicketMail.status == PENDING,
                                     TicketMail.next_attempt_at <= now)
            .values(next_attempt_at=now + timedelta(seconds=settings.email_claim_seconds()))
        ).rowcount == 1
        if not claimed:
            return None
        row = uow.session.get(TicketMail, row_id)
        headers = {}
        if row.in_reply_to:
            headers = {"In-Reply-To": row.in_reply_to, "References": row.references}
        return mail.build_message(to=row.address, subject=row.subject, text=row.body,
                                  message_id=row.message_id, headers=headers), row.attempts


def _finish(db, row_id, **values):
    with db.unit_of_work() as uow:
        uow.session.execute(update(TicketMail).where(TicketMail.id == row_id).values(**values))
        if values.get("status") == SENT:
            survey_id = uow.session.scalar(select(TicketMail.survey_id)
                                           .where(TicketMail.id == row_id))
            if survey_id:                 # marked sent with the mail, in one transaction
                delivery.mailed(uow, survey_id, values["sent_at"])


def send_due(db, now=None, send=mail.send, limit=50):
    """Sends the due mails; {"sent", "retrying", "failed"} counts."""
    now = now or utcnow()
    with db.read_only() as session:
        due = list(session.scalars(select(TicketMail.id).where(
            TicketMail.direction == OUT, TicketMail.status == PENDING,
            TicketMail.next_attempt_at <= now).order_by(TicketMail.next_attempt_at).limit(limit)))
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    for row_id in due:
        claimed = _claim(db, row_id, now)
        if claimed is None:
            continue
        message, attempts = claimed
        try:
            send(message)
        except mail.TransientMailError as error:
            _finish(db, row_id, attempts=attempts + 1, last_error=str(error)[:500],
                    next_attempt_at=now + _delay(attempts + 1))
            counts["retrying"] += 1
            continue
        except mail.PermanentMailError as error:
            _finish(db, row_id, attempts=attempts + 1, status=FAILED, last_error=str(error)[:500])
            counts["failed"] += 1
            continue
        _finish(db, row_id, attempts=attempts + 1, status=SENT, sent_at=utcnow(),
                last_error=None)
        counts["sent"] += 1
    metrics.mail_sent(counts)
    return counts
