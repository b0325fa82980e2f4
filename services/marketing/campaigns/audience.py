"""Who a campaign is aimed at, as SQL (never a contact at a time): the members of any of its
target segments who are in none of its excluded segments — and, of those, the addresses its
channel may reach now by the rule of consent/rules.py, applied per address (an email address
nobody holding it unsubscribed or put on do-not-contact: consent/addresses.py; subscribed when
MARKETING_EMAIL_OPT_IN_REQUIRED), one mail per address. The sender snapshots
`reachable` when a send starts; the count is answered from the same query."""
import json

from sqlalchemy import and_, exists, func, select

from services.marketing import settings
from services.marketing.audience.models import AudienceContact
from services.marketing.campaigns.lifecycle import FINAL
from services.marketing.campaigns.models import Campaign
from services.marketing.consent import addresses
from services.marketing.consent.models import SUBSCRIBED, Consent
from services.marketing.segments.models import SegmentMember


def targeted(campaign):
    """SELECT contact_id of everyone the campaign's segments aim at (no duplicates)."""
    targets = json.loads(campaign.segment_ids)
    excluded = json.loads(campaign.exclude_segment_ids)
    query = select(SegmentMember.contact_id).where(SegmentMember.segment_id.in_(targets))
    if excluded:
        other = SegmentMember.__table__.alias("excluded")
        query = query.where(~exists().where(other.c.contact_id == SegmentMember.contact_id,
                                            other.c.segment_id.in_(excluded)))
    return query.distinct()


def reachable(campaign):
    """SELECT id, email: one row per address its channel may mail now (email only: the other
    channels reach nobody through the system). A contact person often shares the company's
    address, so consent is the address's: nobody holding it (targeted or not) unsubscribed or
    on do-not-contact — the person asked — and, under opt-in, this contact subscribed. One
    address gets one mail, as the lowest of its allowed contacts' ids."""
    ids = targeted(campaign).subquery()
    own = and_(Consent.contact_id == AudienceContact.id, Consent.channel == "email")
    allowed = (select(AudienceContact.id, AudienceContact.email, AudienceContact.email_norm)
               .join(ids, ids.c.contact_id == AudienceContact.id)
               .outerjoin(Consent, own)
               .where(AudienceContact.active.is_(True), AudienceContact.email_norm.is_not(None),
                      ~addresses.refused(AudienceContact.email_norm)))
    if campaign.channel != "email":
        allowed = allowed.where(False)
    if settings.email_opt_in_required():
        allowed = allowed.where(Consent.status == SUBSCRIBED)
    rows = allowed.subquery()
    return (select(func.min(rows.c.id).label("id"), func.min(rows.c.email).label("email"))
            .group_by(rows.c.email_norm))


def counts(session, campaign):
    """(contacts targeted, of them reachable now)."""
    contacts = session.scalar(select(func.count()).select_from(targeted(campaign).subquery()))
    reach = session.scalar(select(func.count()).select_from(reachable(campaign).subquery()))
    return contacts, reach


def campaigns_using(session, segment_id):
    """The id of a campaign that has not ended and targets or excludes the segment, or None
    (a segment it needs cannot be deleted from under it)."""
    for campaign in session.scalars(select(Campaign).where(Campaign.status.not_in(FINAL))):
        if segment_id in json.loads(campaign.segment_ids) + json.loads(campaign.exclude_segment_ids):
            return campaign.id
    return None
