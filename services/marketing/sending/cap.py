"""The per-contact frequency cap (MARKETING_FREQUENCY_CAP emails in MARKETING_FREQUENCY_CAP_DAYS
days), held when several campaigns send to one contact at once.

The race it closes: each broadcast claims its own recipient row (campaign, contact), so two
workers sending two campaigns never meet on a row. Counting only the mails already `sent`, each
would see the other's mail still in flight (claimed, at the SMTP server) as nothing, and both
would send — a contact at its last allowed mail got two. And on PostgreSQL (READ COMMITTED)
two claims checking at the same moment cannot see each other's uncommitted claim at all.

So a claim, in its own transaction, before it counts:
1. locks the contact's `contact_send_lock` row (INSERT … ON CONFLICT DO NOTHING, then SELECT …
   FOR UPDATE): a second claim of the same contact waits there until the first commits — on
   PostgreSQL a row lock; on SQLite the claim's UPDATE already holds the database's single
   write lock, which serialises the same way;
2. counts the contact's mails sent in the window **and** those claimed by other campaigns and
   still in flight (claimed within the lease: one whose worker died is not counted past it,
   when the dispatcher hands it out again);
3. commits its own claim (or its skip) — releasing the lock with its claim visible.
"""
from datetime import timedelta

from sqlalchemy import and_, bindparam, func, or_, select

from services.chassis.db import insert_ignoring_conflicts
from services.marketing import settings
from services.marketing.sending.models import CLAIMED, SENT, CampaignRecipient, ContactSendLock


# Built once (asked for every recipient: building a statement costs more CPU than running it).
_LOCK = select(ContactSendLock.contact_id).where(
    ContactSendLock.contact_id == bindparam("contact_id")).with_for_update()
_TAKEN = select(func.count()).select_from(CampaignRecipient).where(
    CampaignRecipient.contact_id == bindparam("contact_id"),
    or_(and_(CampaignRecipient.state == SENT, CampaignRecipient.sent_at >= bindparam("sent_since")),
        and_(CampaignRecipient.state == CLAIMED,
             CampaignRecipient.campaign_id != bindparam("campaign_id"),
             CampaignRecipient.claimed_at >= bindparam("claimed_since"))))


def lock_contact(session, contact_id):
    insert_ignoring_conflicts(session, ContactSendLock, {"contact_id": contact_id},
                              ("contact_id",))
    session.execute(_LOCK, {"contact_id": contact_id})


def over_cap(session, campaign_id, contact_id, now):
    """True if one more campaign email to the contact would break the cap; called by the
    claim of (campaign_id, contact_id), in its transaction."""
    most, days = settings.frequency_cap()
    if most <= 0:
        return False
    lock_contact(session, contact_id)
    lease = timedelta(seconds=settings.send_lease_seconds())
    taken = session.scalar(_TAKEN, {"contact_id": contact_id, "campaign_id": campaign_id,
                                    "sent_since": now - timedelta(days=days),
                                    "claimed_since": now - lease})
    return taken >= most


_TAKEN_MANY = select(CampaignRecipient.contact_id, func.count()).where(
    CampaignRecipient.contact_id.in_(bindparam("contact_ids", expanding=True)),
    or_(and_(CampaignRecipient.state == SENT, CampaignRecipient.sent_at >= bindparam("sent_since")),
        and_(CampaignRecipient.state == CLAIMED,
             CampaignRecipient.campaign_id != bindparam("campaign_id"),
             CampaignRecipient.claimed_at >= bindparam("claimed_since")))
).group_by(CampaignRecipient.contact_id)
_LOCK_MANY = select(ContactSendLock.contact_id).where(
    ContactSendLock.contact_id.in_(bindparam("contact_ids", expanding=True))
).order_by(ContactSendLock.contact_id).with_for_update()


def over_cap_many(session, campaign_id, contact_ids, now):
    """over_cap for several contacts claimed by one campaign in one transaction (a broadcast's
    batch): their locks taken in contact order (the one order every locker of several takes),
    their mails counted in one query; returns the set of those over the cap."""
    most, days = settings.frequency_cap()
    if most <= 0 or not contact_ids:
        return set()
    ordered = sorted(contact_ids)
    insert_ignoring_conflicts(session, ContactSendLock,
                              [{"contact_id": contact_id} for contact_id in ordered],
                              ("contact_id",))
    session.execute(_LOCK_MANY, {"contact_ids": ordered})
    lease = timedelta(seconds=settings.send_lease_seconds())
    taken = dict(session.execute(_TAKEN_MANY, {
        "contact_ids": ordered, "campaign_id": campaign_id,
        "sent_since": now - timedelta(days=days), "claimed_since": now - lease}).all())
    return {contact_id for contact_id in ordered if taken.get(contact_id, 0) >= most}
