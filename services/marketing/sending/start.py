"""Starting a campaign's broadcast: in one transaction, the snapshot of its recipients (who
its segments reach by consent now: campaigns/audience.py `reachable`) as one row per
(campaign, contact) numbered into batches, the template copied as it is, and the first
batches released. A campaign is broadcast once: starting it again is a 409. A campaign whose
audience is empty is allowed, and its send is done at once (recipients: 0). A target or
excluded segment still being evaluated after an edit (itself or a segment it depends on:
segments/backfill.py) is a 409 too: its
members are not all known yet (the catalog held shared, so no edit slips in before the
snapshot commits)."""
import json

from sqlalchemy import func, insert, literal, select

from services.chassis.errors import Conflict, Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.marketing import settings
from services.marketing.campaigns import audience, lifecycle
from services.marketing.campaigns.handlers.campaigns import get as get_campaign
from services.marketing.segments import backfill, membership
from services.marketing.sending import dispatch, schemas
from services.marketing.sending.models import (DONE, PENDING, SENDING, CampaignRecipient,
                                               CampaignSend)
from services.marketing.templates import rendering
from services.marketing.templates.handlers import get as get_template

SENDABLE_STATUSES = (lifecycle.RUNNING,)


def _snapshot(session, campaign, batch_size):
    """INSERT … SELECT of the reachable contacts, numbered by contact id into batches."""
    reachable = audience.reachable(campaign).subquery()
    number = func.row_number().over(order_by=reachable.c.id) - 1
    rows = select(literal(campaign.id), reachable.c.id, number // batch_size, reachable.c.email,
                  literal(PENDING), literal(0))
    session.execute(insert(CampaignRecipient).from_select(
        ["campaign_id", "contact_id", "batch", "email", "state", "attempts"], rows))
    return session.scalar(select(func.count()).select_from(CampaignRecipient)
                          .where(CampaignRecipient.campaign_id == campaign.id))


def start_send(uow, principal, campaign_id, data):
    values = load(schemas.SendStart, data)
    session, now = uow.session, utcnow()
    campaign = get_campaign(session, campaign_id, for_write=True)
    if campaign.channel != "email":
        raise Conflict(f"A {campaign.channel} campaign sends no email.", {"field": "channel"})
    if campaign.status not in SENDABLE_STATUSES:
        raise Conflict(f"A {campaign.status} campaign cannot send: start it first.",
                       {"status": campaign.status})
    if session.get(CampaignSend, campaign.id) is not None:
        raise Conflict("This campaign's email was already sent (once per contact).",
                       {"id": campaign.id})
    membership.definitions_fixed(session)
    unready = sorted(backfill.unready(session) & set(json.loads(campaign.segment_ids)
                                                     + json.loads(campaign.exclude_segment_ids)))
    if unready:
        raise Conflict("A segment of this campaign is still being evaluated: send once it is "
                       "ready.", {"id": unready[0], "field": "segment_ids"})
    template = get_template(session, values["template_id"])
    problems = rendering.check({f: getattr(template, f) for f in rendering.FIELDS})
    if problems:
        raise Invalid("The template does not compile.", {"template_id": [str(problems)]})
    batch_size = settings.send_batch_size()
    total = _snapshot(session, campaign, batch_size)
    send = CampaignSend(campaign_id=campaign.id, template_id=template.id, subject=template.subject,
                        html=template.html, text=template.text,
                        status=SENDING if total else DONE, recipients=total,
                        batch_size=batch_size, batches=-(-total // batch_size), released=0,
                        rate_per_second=settings.send_rate_per_second(), transient_failures=0,
                        started_by=principal.user_id, started_at=now,
                        finished_at=None if total else now)
    session.add(send)
    session.flush()
    uow.emit("campaign_send_started", {"campaign_id": campaign.id, "template_id": template.id,
                                       "recipients": total, "batches": send.batches,
                                       "started_by": principal.user_id, "started_at": now})
    if total:
        dispatch.release_due(uow, send, now)
    else:
        dispatch.complete(uow, send, now)
    return dispatch.summary(session, send)
