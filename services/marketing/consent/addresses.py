"""The per-address half of the consent rule (consent/rules.py is the per-contact half). An email
address is often shared — a company and its reception, a person entered twice — and the one who
reads it is the one who asked: when ANY contact holding an address unsubscribed or is on
do-not-contact (a bounce, a complaint), no contact holding it is mailed (issue 11 §2).

One SQL expression, asked by every sender at the moment it decides:
- campaigns/audience.py `reachable`: the whole audience at once (count, and the send's snapshot);
- sending/batches.py: each recipient again when its batch claims it — an unsubscribe of another
  holder between the snapshot and the batch counts;
- automation's send_email (automation/handlers/acting.py `sendable`), when its run fires.
"""
from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import aliased

from services.marketing.audience.models import AudienceContact
from services.marketing.consent.models import DO_NOT_CONTACT, UNSUBSCRIBED, Consent

REFUSING = (UNSUBSCRIBED, DO_NOT_CONTACT)


def refused(email_norm):
    """EXISTS: some contact holding the address `email_norm` (a column the query correlates,
    or a value) unsubscribed from email or is on do-not-contact — merged-away holders too (the
    person asked, whatever became of the record)."""
    holder, consent = aliased(AudienceContact), aliased(Consent)
    return exists().where(holder.email_norm == email_norm, consent.contact_id == holder.id,
                          consent.channel == "email", consent.status.in_(REFUSING))


def _of_contact():
    contact = aliased(AudienceContact)
    return select(refused(contact.email_norm)).where(contact.id == bindparam("contact_id"),
                                                     contact.email_norm.is_not(None))


# Built once: the sender asks this for every recipient, and building the statement (aliases,
# EXISTS, its cache key) cost 25x running it — ~1.9 ms of CPU against 0.08 ms
# (bench/marketing_send.py).
_OF_CONTACT = _of_contact()


def contact_refused(session, contact_id):
    """True if the contact's email address is refused, by itself or another holder (False for
    a contact without an address or not known: rules.sendable says no to those)."""
    return bool(session.scalar(_OF_CONTACT, {"contact_id": contact_id}))


def contacts_refused(session, contact_ids):
    """The ones of `contact_ids` whose address is refused (contact_refused, for many at once:
    a broadcast's batch asks once)."""
    if not contact_ids:
        return set()
    contact = aliased(AudienceContact)
    return set(session.scalars(select(contact.id).where(
        contact.id.in_(sorted(contact_ids)), contact.email_norm.is_not(None),
        refused(contact.email_norm))))
