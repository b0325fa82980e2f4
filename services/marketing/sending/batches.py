"""Sending one batch of a broadcast (a `campaign_send_batch_released` message): its pending
recipients claimed and checked together, then sent one at a time over one SMTP session.

Once per contact — how:
1. claim, for the batch's pending recipients at once (`_claim`): `UPDATE … SET state =
   'sending' WHERE (campaign, contact IN the batch's pending rows not locked by another
   claimer) AND state = 'pending' RETURNING contact`, committed before anything is sent; of
   two workers given the same batch (a redelivery, a batch released again) one wins each
   recipient and the other skips it. A claim is good for the lease: past half of it, what the
   worker has not sent yet goes back to pending and is claimed (and checked) again;
2. check, in the claim's transaction: still sendable — by the contact's own consent
   (consent/rules.py: `not_sendable`) and by its address's (consent/addresses.py: another
   contact holding the address unsubscribed or went on do-not-contact, `address_unsubscribed`);
   either may have changed since the snapshot — and under the frequency cap — counting the
   contact's mails of other campaigns in flight, under per-contact locks taken in contact
   order (sending/cap.py), so two campaigns sending at once cannot both take its last slot —
   else `skipped` with why;
3. send, with the Message-ID derived from (campaign, contact) alone;
4. record the outcome and its event in one commit, right after that mail's SMTP transaction
   (per email, not per batch: the crash window below stays one mail wide): `sent`; `bounced`
   (a 5xx to RCPT: the contact goes on do-not-contact with reason bounced); `failed` (the
   message was refused, or could not be rendered); a transient failure (server down, 4xx, timeout) puts the
   recipient back to pending and the send waits (dispatch.wait) — nothing is lost.

Where a mail can still go out twice — the crash window, precisely. The claim (1) is already
the outbox-style record: committed before the message is handed to SMTP, it says "this mail may
be at the server". What no commit of ours can record is whether the server took it: that is
decided by the server's reply to the end of DATA (the "." line: RFC 5321 §4.1.1.4 — before
it, an interrupted transaction is discarded by the server; after its 250, the mail is the
server's). So the window is from the server writing that 250 to our commit of (4):
  a. the worker dies (killed, host lost) or its database is unreachable in `_record` after
     `connection.send` returned;
  b. the 250 is written but never read: the connection drops or SMTP_TIMEOUT_SECONDS runs out
     waiting for it — smtplib raises, we take it as transient (`_defer`) and resend after the
     back-off (RFC 1047 describes this duplicate);
  c. a send slower than MARKETING_SEND_LEASE_SECONDS (keep SMTP_TIMEOUT_SECONDS far below it):
     the lease runs out and another worker claims and sends it while the first still waits;
     `_record` of the first then finds the row not `sending` and records nothing.
In (a) and (c) the recipient is `sending` past the lease, and the dispatcher puts it back to
pending (counted by crm_campaign_emails_reclaimed_total: each may be a duplicate); in (b) it
is pending at once. Either way it is sent again — with the same Message-ID, derived from
(campaign, contact) alone, so the receiving system and the recipient's client can recognise
the repeat (many deduplicate on it). A crash anywhere before the end of DATA (rendering,
connecting, mid-message) sends nothing twice. Closing the window for good needs the server's
help (a relay that deduplicates on Message-ID, or a sending API with idempotency keys);
recording "sent" before the handoff, or never resending a reclaimed recipient, would trade
the duplicate for a contact never mailed — the issue asks for neither, so at-least-once with
a stable Message-ID it is.
"""
import logging

from prometheus_client import Counter

from datetime import timedelta

from sqlalchemy import bindparam, func, select, update

from services.chassis import mail
from services.chassis.errors import NotFound
from services.chassis.models import utcnow
from services.chassis.periodic import claim
from services.marketing.audience.profile import load_profiles
from services.marketing import settings
from services.marketing.consent import addresses, rules
from services.marketing.consent.models import Consent
from services.marketing.sending import cap, dispatch
from services.marketing.sending.models import (BOUNCED, CLAIMED, DONE, FAILED, PENDING,
                                               RELEASED, SENDING, SENT, SKIPPED,
                                               CampaignRecipient, CampaignSend,
                                               CampaignSendBatch)
from services.marketing.templates import rendering
from services.marketing.tracking import handlers as tracking, links

log = logging.getLogger(__name__)
# Counted when the outcome commits (deferred: an SMTP failure that made the send wait).
EMAILS = Counter("crm_campaign_emails_total", "Campaign emails by outcome",
                 ["outcome"])   # sent | bounced | failed | skipped | deferred


def message_key(campaign_id, contact_id):
    return f"campaign/{campaign_id}/contact/{contact_id}"


def _not_sent(uow, recipient, outcome, reason, now):
    EMAILS.labels(outcome).inc()
    recipient.state, recipient.reason, recipient.claimed_at = outcome, reason[:500], None
    uow.emit("campaign_email_failed", {
        "campaign_id": recipient.campaign_id, "contact_id": recipient.contact_id,
        "email": recipient.email, "outcome": outcome, "reason": reason[:500], "at": now})


def _claim(uow, send, contact_ids, now):
    """Claims the pending ones of `contact_ids` and checks each (consent, its address, the
    frequency cap) in one transaction — a batch's worth of statements, not ~10 per recipient
    (bench/FINDINGS.md, eighth session): the skipped get their outcome and event here; returns
    {contact id: profile} of the claimed recipients to send to, in contact order."""
    session = uow.session
    # Rows another worker is claiming this moment (a redelivered batch) are skipped, not
    # waited for: in one UPDATE over many rows, two workers could lock them in opposite orders.
    # Locked first, then updated by key: as the UPDATE's subquery, the locking SELECT (which
    # PostgreSQL cannot flatten) ran again for every row of the campaign the UPDATE scanned.
    free = sorted(session.scalars(select(CampaignRecipient.contact_id).where(
        CampaignRecipient.campaign_id == send.campaign_id,
        CampaignRecipient.contact_id.in_(sorted(contact_ids)),
        CampaignRecipient.state == PENDING).order_by(CampaignRecipient.contact_id)
        .with_for_update(skip_locked=True)))
    if not free:
        return {}
    claimed = sorted(session.scalars(
        update(CampaignRecipient).where(CampaignRecipient.campaign_id == send.campaign_id,
                                        CampaignRecipient.contact_id.in_(free),
                                        CampaignRecipient.state == PENDING)
        .values(state=CLAIMED, claimed_at=now, attempts=CampaignRecipient.attempts + 1)
        .returning(CampaignRecipient.contact_id).execution_options(synchronize_session=False)))
    if not claimed:
        return {}
    recipients = {row.contact_id: row for row in session.scalars(select(CampaignRecipient).where(
        CampaignRecipient.campaign_id == send.campaign_id,
        CampaignRecipient.contact_id.in_(claimed)))}
    profiles = load_profiles(session, set(claimed))
    consents = dict(session.execute(select(Consent.contact_id, Consent.status).where(
        Consent.contact_id.in_(claimed), Consent.channel == "email")).all())
    refused = addresses.contacts_refused(session, claimed)
    checked = []
    for contact_id in claimed:
        profile = profiles.get(contact_id)
        if profile is None or not profile["in_audience"] or not rules.sendable(
                profile, "email", consents.get(contact_id)):
            _not_sent(uow, recipients[contact_id], SKIPPED, "not_sendable", now)
        elif contact_id in refused:
            _not_sent(uow, recipients[contact_id], SKIPPED, "address_unsubscribed", now)
        else:
            checked.append(contact_id)
    over = cap.over_cap_many(session, send.campaign_id, checked, now)
    for contact_id in over:
        _not_sent(uow, recipients[contact_id], SKIPPED, "frequency_cap", now)
    return {contact_id: profiles[contact_id] for contact_id in checked if contact_id not in over}


def _message(send, contact_id, profile, sender):
    """The recipient's message (rendered, tracked, its Message-ID), or RenderError."""
    url = links.unsubscribe_url(send.campaign_id, contact_id)
    rendered = rendering.render(send, profile, unsubscribe_url=url)
    return mail.prepare_message(
        to=profile["email"], subject=rendered["subject"], text=rendered["text"],
        html=links.tracked_html(rendered["html"], send.campaign_id, contact_id),
        sender=sender, message_id=mail.message_id(message_key(send.campaign_id, contact_id), sender),
        headers=links.unsubscribe_headers(send.campaign_id, contact_id))


# The SENT outcome of a claimed recipient: one statement (the row's email back for the event),
# built once; nothing if the lease ran out and another worker took the row over meanwhile.
# On the table (Core), not the entity: the ORM's bulk UPDATE path cost more than the statement.
_RECIPIENTS = CampaignRecipient.__table__
_SENT = (update(_RECIPIENTS)
         .where(_RECIPIENTS.c.campaign_id == bindparam("campaign"),
                _RECIPIENTS.c.contact_id == bindparam("contact"), _RECIPIENTS.c.state == CLAIMED)
         .values(state=SENT, sent_at=bindparam("now"), claimed_at=None,
                 message_id=bindparam("message_id"))
         .returning(_RECIPIENTS.c.email))


def _record_sent(db, send, contact_id, customer_id, message, now):
    with db.unit_of_work() as uow:
        email = uow.session.execute(_SENT, {
            "campaign": send.campaign_id, "contact": contact_id, "now": now,
            "message_id": message["Message-ID"]}).scalar()
        if email is None:
            return           # the lease ran out and another worker took it over meanwhile
        uow.emit("campaign_email_sent", {
            "campaign_id": send.campaign_id, "contact_id": contact_id, "customer_id": customer_id,
            "email": email, "message_id": message["Message-ID"], "sent_at": now})
        dispatch.recovered(uow.session, send.campaign_id)
    EMAILS.labels(SENT).inc()


def _record(db, send, contact_id, outcome, detail, now):
    """An outcome other than sent (bounced, failed) with its event."""
    with db.unit_of_work() as uow:
        recipient = uow.session.get(CampaignRecipient, (send.campaign_id, contact_id),
                                    with_for_update=True)
        if recipient.state != CLAIMED:
            return           # the lease ran out and another worker took it over meanwhile
        _not_sent(uow, recipient, outcome, detail, now)
        if outcome == BOUNCED:      # do-not-contact (bounced) and email_bounced: tracking's
            try:
                tracking.permanent_failure(uow, send.campaign_id, contact_id, detail)
            except NotFound:
                pass                # merged away since the snapshot: nobody left to mark


def _defer(db, send, contact_id, error):
    """A transient failure: the recipient back to pending, the send waiting."""
    with db.unit_of_work() as uow:
        claim(uow.session, CampaignRecipient, CampaignRecipient.campaign_id == send.campaign_id,
              CampaignRecipient.contact_id == contact_id, CampaignRecipient.state == CLAIMED,
              state=PENDING, claimed_at=None)
        dispatch.wait(uow.session, send.campaign_id, error, utcnow())
    EMAILS.labels("deferred").inc()


def _pending(db, campaign_id, number):
    with db.read_only() as session:
        return list(session.scalars(select(CampaignRecipient.contact_id).where(
            CampaignRecipient.campaign_id == campaign_id, CampaignRecipient.batch == number,
            CampaignRecipient.state == PENDING).order_by(CampaignRecipient.contact_id)))


def _finish(db, campaign_id, number):
    with db.unit_of_work() as uow:
        left = uow.session.scalar(select(func.count()).select_from(CampaignRecipient).where(
            CampaignRecipient.campaign_id == campaign_id, CampaignRecipient.batch == number,
            CampaignRecipient.state.in_((PENDING, CLAIMED))))
        if not left:
            claim(uow.session, CampaignSendBatch, CampaignSendBatch.campaign_id == campaign_id,
                  CampaignSendBatch.number == number, CampaignSendBatch.state == RELEASED,
                  state=DONE)


def _unclaim(db, send, contact_ids):
    """Claimed recipients this worker will not send now back to pending (nothing was sent)."""
    if not contact_ids:
        return
    with db.unit_of_work() as uow:
        uow.session.execute(update(CampaignRecipient).where(
            CampaignRecipient.campaign_id == send.campaign_id,
            CampaignRecipient.contact_id.in_(sorted(contact_ids)),
            CampaignRecipient.state == CLAIMED).values(state=PENDING, claimed_at=None)
            .execution_options(synchronize_session=False))


def send_batch(db, campaign_id, number):
    """Sends what is pending in the batch; returns how many emails went out.

    The batch's recipients are claimed and checked together (_claim: one transaction), then
    sent one by one, each outcome committed with its event right after its SMTP transaction —
    per email, so the crash window stays one email wide (module docstring). A claim is good for
    the lease: past half of it, the claimed recipients not sent yet go back to pending and are
    claimed (and checked) again, so no claim this worker still sends on can have run out and
    been handed to another worker. Leaving early (an SMTP outage, an error), the unsent claims
    go back to pending at once."""
    with db.read_only() as session:
        send = session.get(CampaignSend, campaign_id)
        if send is None or send.status != SENDING:
            return 0          # done, or waiting: the dispatcher releases it again afterwards
        session.expunge(send)
    sender = mail.settings().sender
    fresh = timedelta(seconds=settings.send_lease_seconds() / 2)
    sent = 0
    connection = None
    todo = _pending(db, campaign_id, number)
    unsent = []
    try:
        while todo:
            claimed_at = utcnow()
            with db.unit_of_work() as uow:
                claimed = _claim(uow, send, todo, claimed_at)
            todo, unsent = [], list(claimed)
            while unsent:
                contact_id = unsent[0]
                if utcnow() - claimed_at > fresh:
                    _unclaim(db, send, unsent)
                    todo, unsent = unsent, []
                    break
                profile = claimed[contact_id]
                try:
                    message = _message(send, contact_id, profile, sender)
                except rendering.RenderError as error:
                    unsent.pop(0)
                    _record(db, send, contact_id, FAILED, f"render: {error.errors}", utcnow())
                    continue
                try:
                    if connection is None:
                        connection = _Session()
                    unsent.pop(0)                   # from here on it may be at the server
                    connection.send(message)
                except mail.RecipientRefused as error:
                    _record(db, send, contact_id, BOUNCED, f"{error.code} {error}", utcnow())
                except mail.PermanentMailError as error:
                    _record(db, send, contact_id, FAILED, f"{error.code} {error}", utcnow())
                except mail.TransientMailError as error:
                    log.warning("broadcast %s waits: %s", campaign_id, error)
                    _defer(db, send, contact_id, error)
                    return sent
                else:
                    _record_sent(db, send, contact_id, profile.get("customer_id"), message, utcnow())
                    sent += 1
    finally:
        try:
            _unclaim(db, send, unsent)
        finally:
            if connection is not None:
                connection.close()
    _finish(db, campaign_id, number)
    return sent


class _Session:
    """One SMTP session for the whole batch, opened at the first message."""

    def __init__(self):
        self._context = mail.connect()
        self._connection = self._context.__enter__()

    def send(self, message):
        return self._connection.send(message)

    def close(self):
        try:
            self._context.__exit__(None, None, None)
        except mail.MailError:
            pass
