"""Who a campaign is aimed at, as SQL (never a contact at a time): the members of any of its
target segments who are in none of its excluded segments — and, of those, who its channel may
reach now by the one rule of consent/rules.py (an email address; not unsubscribed nor on
do-not-contact; subscribed when MARKETING_EMAIL_OPT_IN_REQUIRED). The sender snapshots
`reachable` when a send starts; the count is answered from the same query."""
import json

from sqlalchemy import and_, exists, func, or_, select

from services.marketing import settings
from services.marketing.audience.models import AudienceContact
from services.marketing.campaigns.lifecycle import FINAL
from services.marketing.campaigns.models import Campaign
from services.marketing.consent.models import DO_NOT_CONTACT, SUBSCRIBED, UNSUBSCRIBED, Consent
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
    """SELECT contact_id, email of the targeted contacts its channel may reach now (email only:
    the other channels reach nobody through the system)."""
    ids = targeted(campaign).subquery()
    consent = and_(Consent.contact_id == AudienceContact.id, Consent.channel == "email")
    query = (select(AudienceContact.id, AudienceContact.email)
             .join(ids, ids.c.contact_id == AudienceContact.id)
             .outerjoin(Consent, consent)
             .where(AudienceContact.active.is_(True), AudienceContact.email.is_not(None),
                    AudienceContact.email != ""))
    if campaign.channel != "email":
        return query.where(False)
    if settings.email_opt_in_required():
        return query.where(Consent.status == SUBSCRIBED)
    return query.where(or_(Consent.status.is_(None),
                           Consent.status.not_in((UNSUBSCRIBED, DO_NOT_CONTACT))))


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
