"""The pace of a broadcast (the `advance_sends` timer, every MARKETING_SEND_TICK_SECONDS, and
right after a send starts): batches are released — a `campaign_send_batch_released` message
through the outbox to whichever marketing worker takes it — no faster than the send's rate
allows since it started (the rate limit holds over every replica: only released batches are
sent); after an SMTP outage the send waits until `waiting_until`, then releases again the
batches it had not finished; a batch still not done after the lease (its worker vanished, or
its message was lost) is released again, and recipients a vanished worker had claimed go back
to pending. A send whose every recipient has an outcome is done (campaign_send_completed)."""
from datetime import timedelta

from prometheus_client import Counter
from sqlalchemy import bindparam, func, select, update

from services.marketing import settings
from services.marketing.sending import schemas
from services.marketing.sending.models import (CLAIMED, DONE, OUTCOMES, PENDING, RELEASED,
                                               SENDING, WAITING, CampaignRecipient,
                                               CampaignSend, CampaignSendBatch)

SEND = schemas.CampaignSend()
# The crash window of sending/batches.py: a recipient claimed by a worker that vanished may
# already be at the SMTP server; handed out again, it may go out twice (same Message-ID).
RECLAIMED = Counter("crm_campaign_emails_reclaimed_total",
                    "Campaign emails whose claim outlived its lease (a vanished worker) and were "
                    "handed out again: each may reach its contact twice, with one Message-ID")


def counts(session, campaign_id):
    found = dict(session.execute(
        select(CampaignRecipient.state, func.count()).where(
            CampaignRecipient.campaign_id == campaign_id).group_by(CampaignRecipient.state)).all())
    return {state: found.get(state, 0) for state in (PENDING, CLAIMED) + OUTCOMES}


def summary(session, send):
    return SEND.dump({**{name: getattr(send, name) for name in (
        "campaign_id", "template_id", "status", "recipients", "batches", "released",
        "waiting_until", "last_error", "started_by", "started_at", "finished_at")},
        "counts": counts(session, send.campaign_id)})


def _release(uow, send, number, now):
    uow.emit("campaign_send_batch_released", {"campaign_id": send.campaign_id, "batch": number,
                                              "released_at": now})


def release_due(uow, send, now):
    """Releases the batches the rate allows by now (at least the first)."""
    if send.rate_per_second > 0:
        elapsed = max((now - send.started_at).total_seconds(), 0.0)
        allowed = send.batch_size + int(send.rate_per_second * elapsed)
        due = min(send.batches, max(allowed // send.batch_size, 1))
    else:
        due = send.batches
    for number in range(send.released, due):
        uow.session.add(CampaignSendBatch(campaign_id=send.campaign_id, number=number,
                                          state=RELEASED, released_at=now))
        _release(uow, send, number, now)
    send.released = max(send.released, due)


def _release_again(uow, send, now, older_than=None):
    """The released batches not done (those released before `older_than`, if given)."""
    query = select(CampaignSendBatch).where(CampaignSendBatch.campaign_id == send.campaign_id,
                                            CampaignSendBatch.state == RELEASED)
    if older_than is not None:
        query = query.where(CampaignSendBatch.released_at < older_than)
    for batch in uow.session.scalars(query.order_by(CampaignSendBatch.number)):
        batch.released_at = now
        _release(uow, send, batch.number, now)


def complete(uow, send, now):
    found = counts(uow.session, send.campaign_id)
    send.status, send.finished_at = DONE, now
    uow.emit("campaign_send_completed", {
        "campaign_id": send.campaign_id, "recipients": send.recipients,
        "finished_at": now, **{state: found[state] for state in OUTCOMES}})


def advance(uow, campaign_id, now):
    """One tick of one send (its row locked: replicas' ticks take turns)."""
    session = uow.session
    send = session.get(CampaignSend, campaign_id, with_for_update=True)
    if send is None or send.status == DONE:
        return
    lease = timedelta(seconds=settings.send_lease_seconds())
    reclaimed = session.execute(update(CampaignRecipient).where(
        CampaignRecipient.campaign_id == campaign_id, CampaignRecipient.state == CLAIMED,
        CampaignRecipient.claimed_at < now - lease).values(state=PENDING, claimed_at=None)
        .execution_options(synchronize_session=False)).rowcount
    if reclaimed:
        RECLAIMED.inc(reclaimed)
    if send.status == WAITING:
        if send.waiting_until and send.waiting_until > now:
            return
        send.status, send.waiting_until = SENDING, None
        _release_again(uow, send, now)
    else:
        _release_again(uow, send, now, older_than=now - lease)
    release_due(uow, send, now)
    left = session.scalar(select(func.count()).select_from(CampaignRecipient).where(
        CampaignRecipient.campaign_id == campaign_id,
        CampaignRecipient.state.in_((PENDING, CLAIMED))))
    if not left and send.released >= send.batches:
        complete(uow, send, now)


def active(session):
    return list(session.scalars(select(CampaignSend.campaign_id).where(
        CampaignSend.status.in_((SENDING, WAITING))).order_by(CampaignSend.started_at)))


def wait(session, campaign_id, error, now):
    """The SMTP server failed transiently: the send waits, backing off (first, doubled, most)."""
    send = session.get(CampaignSend, campaign_id, with_for_update=True)
    first, most = settings.send_retry_seconds()
    if send.status != WAITING:
        send.transient_failures += 1
    delay = min(first * 2 ** max(send.transient_failures - 1, 0), most)
    send.status, send.last_error = WAITING, str(error)[:2000]
    send.waiting_until = now + timedelta(seconds=delay)


_SENDS = CampaignSend.__table__
# Built once, on the table (Core): run after every email sent, where the ORM's bulk UPDATE path
# and a statement's cache key per call cost more than the UPDATE (bench/FINDINGS.md, eighth
# session). Nothing the session holds is synchronised (synchronize_session=False as before).
_RECOVERED = update(_SENDS).where(_SENDS.c.campaign_id == bindparam("campaign"),
                                  _SENDS.c.transient_failures > 0).values(transient_failures=0)


def recovered(session, campaign_id):
    """An email went through: the next outage starts its back-off from the first delay."""
    session.execute(_RECOVERED, {"campaign": campaign_id})
