"""The campaign KPIs counted from our facts: one function the reports and reconcile share, so
reconcile checks exactly what the reports show.

Per campaign: sent, delivered (sent less the late bounces: a bounce reported for a mail the
server had taken), bounced (refused at sending + late), unique opens / clicks / unsubscribes,
responses, leads and converted leads, cost in cents, and per attribution model the won deals
credited and their revenue in cents per currency."""
from collections import defaultdict

from sqlalchemy import and_, func, select

from services.reporting.domains.marketing.models import (CampaignCreditFact, CampaignEngagementFact,
                                                         CampaignFact, CampaignLeadFact,
                                                         CampaignRecipientFact,
                                                         CampaignResponseFact)

MODELS = ("first", "last")
COUNTS = ("sent", "delivered", "bounced", "unique_opens", "unique_clicks", "unsubscribes",
          "responses", "leads", "converted_leads")
ENGAGED = {"opened": "unique_opens", "clicked": "unique_clicks", "unsubscribed": "unsubscribes"}


def empty(fact):
    return {"campaign_id": fact.id, "name": fact.name, "channel": fact.channel,
            "currency": fact.currency, "status": fact.status, **dict.fromkeys(COUNTS, 0),
            "cost_cents": fact.cost_cents,
            "attribution": {model: {"won_deals": 0, "revenue_cents": {}} for model in MODELS}}


def records(session, campaign_ids=None, channels=None):
    """{campaign_id: CampaignFact} of the campaigns whose record we have (filtered)."""
    query = select(CampaignFact).where(CampaignFact.record_sequence > 0)
    if campaign_ids:
        query = query.where(CampaignFact.id.in_(campaign_ids))
    if channels:
        query = query.where(CampaignFact.channel.in_(channels))
    return {fact.id: fact for fact in session.scalars(query)}


def campaigns(session, campaign_ids=None, channels=None):
    """{campaign_id: its figures}, for the campaigns whose record we have (filtered)."""
    found = {cid: empty(fact) for cid, fact in records(session, campaign_ids,
                                                        channels).items()}
    if not found:
        return found
    ids = list(found)

    def grouped(*columns, where):
        return session.execute(select(*columns, func.count()).where(*where).group_by(*columns))

    for cid, outcome, n in grouped(CampaignRecipientFact.campaign_id, CampaignRecipientFact.outcome,
                                   where=[CampaignRecipientFact.campaign_id.in_(ids)]):
        if outcome == "sent":
            found[cid]["sent"] += n
            found[cid]["delivered"] += n
        elif outcome == "bounced":
            found[cid]["bounced"] += n
    late = session.execute(
        select(CampaignEngagementFact.campaign_id, func.count())
        .join(CampaignRecipientFact, and_(
            CampaignRecipientFact.campaign_id == CampaignEngagementFact.campaign_id,
            CampaignRecipientFact.contact_id == CampaignEngagementFact.contact_id))
        .where(CampaignEngagementFact.campaign_id.in_(ids),
               CampaignEngagementFact.kind == "bounced", CampaignRecipientFact.outcome == "sent")
        .group_by(CampaignEngagementFact.campaign_id))
    for cid, n in late:
        found[cid]["bounced"] += n
        found[cid]["delivered"] -= n
    for cid, kind, n in grouped(CampaignEngagementFact.campaign_id, CampaignEngagementFact.kind,
                                where=[CampaignEngagementFact.campaign_id.in_(ids),
                                       CampaignEngagementFact.kind.in_(ENGAGED)]):
        found[cid][ENGAGED[kind]] += n
    for cid, n in grouped(CampaignResponseFact.campaign_id,
                          where=[CampaignResponseFact.campaign_id.in_(ids)]):
        found[cid]["responses"] += n
    for cid, converted, n in grouped(CampaignLeadFact.campaign_id,
                                     CampaignLeadFact.deal_id.is_not(None),
                                     where=[CampaignLeadFact.campaign_id.in_(ids)]):
        found[cid]["leads"] += n
        if converted:
            found[cid]["converted_leads"] += n
    for cid, model, currency, n, cents in session.execute(
            select(CampaignCreditFact.campaign_id, CampaignCreditFact.model,
                   CampaignCreditFact.currency, func.count(),
                   func.sum(CampaignCreditFact.amount_cents))
            .where(CampaignCreditFact.campaign_id.in_(ids), CampaignCreditFact.credited.is_(True))
            .group_by(CampaignCreditFact.campaign_id, CampaignCreditFact.model,
                      CampaignCreditFact.currency)):
        part = found[cid]["attribution"].setdefault(model, {"won_deals": 0, "revenue_cents": {}})
        part["won_deals"] += n
        part["revenue_cents"][currency] = int(cents)
    return found


def combine(rows, key):
    """Figures summed over campaigns sharing `key(row)` (channel and currency: money is only
    ever added within one currency)."""
    totals = {}
    for row in rows:
        group = key(row)
        total = totals.get(group)
        if total is None:
            total = totals[group] = {**dict.fromkeys(COUNTS, 0), "cost_cents": 0, "campaigns": 0,
                                     "attribution": defaultdict(
                                         lambda: {"won_deals": 0, "revenue_cents": {}})}
        total["campaigns"] += 1
        for name in (*COUNTS, "cost_cents"):
            total[name] += row[name]
        for model, part in row["attribution"].items():
            into = total["attribution"][model]
            into["won_deals"] += part["won_deals"]
            for currency, cents in part["revenue_cents"].items():
                into["revenue_cents"][currency] = into["revenue_cents"].get(currency, 0) + cents
    for total in totals.values():
        total["attribution"] = dict(total["attribution"])
    return totals
