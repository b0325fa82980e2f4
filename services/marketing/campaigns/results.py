"""A campaign's results, counted from marketing's own rows at the moment they are asked (so they
always equal those rows): the broadcast's recipients by outcome, unique opens, clicks and
unsubscribes (the first of each per contact), responses, the leads sales made of them and those
converted, the won deals credited to the campaign under each attribution model with their
revenue per currency, and what the campaign cost — with cost per lead, CAC and ROI in the
campaign's currency (revenue in other currencies is listed, never converted: no exchange rates
are kept). The reporting plugin (issue 11 §9) is to reconcile against these."""
from decimal import Decimal

from sqlalchemy import and_, func, select

from services.marketing.attribution.models import MODELS, CampaignAttribution, CampaignLead
from services.marketing.responses.models import CampaignResponse
from services.marketing.sending.models import BOUNCED, SENT, CampaignRecipient
from services.marketing.tracking.models import (BOUNCED as BOUNCED_KIND, CLICKED, OPENED,
                                                UNSUBSCRIBED, EmailEngagementFirst)

CENTS, RATIO = Decimal("0.01"), Decimal("0.0001")


def _count(session, model, *conditions):
    return session.scalar(select(func.count()).select_from(model).where(*conditions))


def _recipients(session, campaign_id):
    by_state = dict(session.execute(
        select(CampaignRecipient.state, func.count()).where(
            CampaignRecipient.campaign_id == campaign_id).group_by(CampaignRecipient.state)).all())
    # a bounce reported later (the inbound webhook) for a mail the server had taken
    late = session.scalar(select(func.count()).select_from(EmailEngagementFirst).join(
        CampaignRecipient, and_(CampaignRecipient.campaign_id == EmailEngagementFirst.campaign_id,
                                CampaignRecipient.contact_id == EmailEngagementFirst.contact_id))
        .where(EmailEngagementFirst.campaign_id == campaign_id,
               EmailEngagementFirst.kind == BOUNCED_KIND, CampaignRecipient.state == SENT))
    sent = by_state.get(SENT, 0)
    return {"recipients": sum(by_state.values()), "sent": sent,
            "bounced": by_state.get(BOUNCED, 0) + late, "delivered": sent - late,
            "not_sent": {state: n for state, n in sorted(by_state.items())
                         if state not in (SENT, BOUNCED)}}


def _per(cost, count):
    return (cost / count).quantize(CENTS) if count else None


def results(session, campaign):
    cid = campaign.id
    engaged = {kind: _count(session, EmailEngagementFirst, EmailEngagementFirst.campaign_id == cid,
                            EmailEngagementFirst.kind == kind)
               for kind in (OPENED, CLICKED, UNSUBSCRIBED)}
    leads = _count(session, CampaignLead, CampaignLead.campaign_id == cid)
    converted = _count(session, CampaignLead, CampaignLead.campaign_id == cid,
                       CampaignLead.deal_id.is_not(None))
    credited = session.execute(
        select(CampaignAttribution.model, CampaignAttribution.currency, func.count(),
               func.sum(CampaignAttribution.amount))
        .where(CampaignAttribution.campaign_id == cid)
        .group_by(CampaignAttribution.model, CampaignAttribution.currency)).all()
    cost = campaign.cost_total
    attribution = {}
    for model in MODELS:
        rows = [row for row in credited if row[0] == model]
        revenue = {currency: total for _m, currency, _n, total in rows}   # SUM keeps Cents
        deals = sum(n for _m, _c, n, _t in rows)
        own = revenue.get(campaign.currency, Decimal("0")).quantize(CENTS)
        attribution[model] = {
            "won_deals": deals,
            "revenue": [{"currency": c, "amount": str(a.quantize(CENTS))}
                        for c, a in sorted(revenue.items())],
            "cac": _per(cost, deals),
            "roi": ((own - cost) / cost).quantize(RATIO) if cost else None}
    reach = _recipients(session, cid)
    return {"campaign_id": cid, "currency": campaign.currency, **reach,
            "unique_opens": engaged[OPENED], "unique_clicks": engaged[CLICKED],
            "unsubscribes": engaged[UNSUBSCRIBED],
            "responses": _count(session, CampaignResponse, CampaignResponse.campaign_id == cid),
            "leads": leads, "converted_leads": converted, "cost": cost,
            "cost_per_lead": _per(cost, leads), "attribution": attribution}
