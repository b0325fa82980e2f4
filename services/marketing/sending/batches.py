"""Sending one batch of a broadcast (a `campaign_send_batch_released` message): each pending
recipient of the batch, one at a time, over one SMTP session.

Once per contact — how:
1. claim: `UPDATE … SET state = 'sending' WHERE (campaign, contact) AND state = 'pending'`,
   committed before anything is sent; of two workers given the same batch (a redelivery, a
   batch released again) one wins each recipient and the other skips it;
2. check, in the claim's transaction: still sendable — by the contact's own consent
   (consent/rules.py: `not_sendable`) and by its address's (consent/addresses.py: another
   contact holding the address unsubscribed or went on do-not-contact, `address_unsubscribed`);
   either may have changed since the snapshot — and under the frequency cap — counting the
   contact's mails of other campaigns in flight, under a per-contact lock (sending/cap.py), so
   two campaigns sending at once cannot both take its last slot — else `skipped` with why;
3. send, with the Message-ID derived from (campaign, contact) alone;
4. record the outcome and its event in one commit: `sent`; `bounced` (a 5xx to RCPT: the
   contact goes on do-not-contact with reason bounced); `failed` (the message was refused,
   or could not be rendered); a transient failure (server down, 4xx, timeout) puts the
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

from sqlalchemy import func, select

from services.chassis import mail
from services.chassis.errors import NotFound
from services.chassis.models import utcnow
from services.chassis.periodic import claim
from services.marketing.audience.models import AudienceContact
from services.marketing.audience.profile import load_profiles
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


def _prepare(uow, send, contact_id, now):
    """Claims the recipient and builds its message (None: not this worker's, or skipped)."""
    session = uow.session
    if not claim(session, CampaignRecipient, CampaignRecipient.campaign_id == send.campaign_id,
                 CampaignRecipient.contact_id == contact_id, CampaignRecipient.state == PENDING,
                 state=CLAIMED, claimed_at=now, attempts=CampaignRecipient.attempts + 1):
        return None
    recipient = session.get(CampaignRecipient, (send.campaign_id, contact_id))   # as claimed
    profile = load_profiles(session, {contact_id}).get(contact_id)
    consent = session.get(Consent, (contact_id, "email"))
    if profile is None or not profile["in_audience"] or not rules.sendable(
            profile, "email", consent.status if consent else None):
        _not_sent(uow, recipient, SKIPPED, "not_sendable", now)
        return None
    if addresses.contact_refused(session, contact_id):
        _not_sent(uow, recipient, SKIPPED, "address_unsubscribed", now)
        return None
    if cap.over_cap(session, send.campaign_id, contact_id, now):
        _not_sent(uow, recipient, SKIPPED, "frequency_cap", now)
        return None
    url = links.unsubscribe_url(send.campaign_id, contact_id)
    try:
        rendered = rendering.render(send, profile, unsubscribe_url=url)
    except rendering.RenderError as error:
        _not_sent(uow, recipient, FAILED, f"render: {error.errors}", now)
        return None
    return mail.build_message(
        to=profile["email"], subject=rendered["subject"], text=rendered["text"],
        html=links.tracked_html(rendered["html"], send.campaign_id, contact_id),
        message_id=mail.message_id(message_key(send.campaign_id, contact_id)),
        headers=links.unsubscribe_headers(send.campaign_id, contact_id))


def _record(db, send, contact_id, outcome, detail, message, now):
    with db.unit_of_work() as uow:
        recipient = uow.session.get(CampaignRecipient, (send.campaign_id, contact_id),
                                    with_for_update=True)
        if recipient.state != CLAIMED:
            return           # the lease ran out and another worker took it over meanwhile
        if outcome == SENT:
            recipient.state, recipient.sent_at, recipient.claimed_at = SENT, now, None
            recipient.message_id = message["Message-ID"]
            uow.emit("campaign_email_sent", {
                "campaign_id": send.campaign_id, "contact_id": contact_id,
                "customer_id": uow.session.scalar(select(AudienceContact.customer_id).where(
                    AudienceContact.id == contact_id)),
                "email": recipient.email, "message_id": recipient.message_id, "sent_at": now})
            dispatch.recovered(uow.session, send.campaign_id)
            EMAILS.labels(SENT).inc()
            return
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


def send_batch(db, campaign_id, number):
    """Sends what is pending in the batch; returns how many emails went out."""
    with db.read_only() as session:
        send = session.get(CampaignSend, campaign_id)
        if send is None or send.status != SENDING:
            return 0          # done, or waiting: the dispatcher releases it again afterwards
        session.expunge(send)
    sent = 0
    connection = None
    try:
        for contact_id in _pending(db, campaign_id, number):
            now = utcnow()
            with db.unit_of_work() as uow:
                message = _prepare(uow, send, contact_id, now)
            if message is None:
                continue
            try:
                if connection is None:
                    connection = _Session()
                connection.send(message)
            except mail.RecipientRefused as error:
                _record(db, send, contact_id, BOUNCED, f"{error.code} {error}", message, utcnow())
            except mail.PermanentMailError as error:
                _record(db, send, contact_id, FAILED, f"{error.code} {error}", message, utcnow())
            except mail.TransientMailError as error:
                log.warning("broadcast %s waits: %s", campaign_id, error)
                _defer(db, send, contact_id, error)
                return sent
            else:
                _record(db, send, contact_id, SENT, None, message, utcnow())
                sent += 1
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
