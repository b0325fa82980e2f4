"""marketing as reporting sees it: each campaign's reach, engagement, responses, the leads and
won deals it brought (sales' leads, marketing's attribution credits), its cost and return —
reconciled against marketing's own results of every campaign."""
from sqlalchemy import func, select

from services.reporting.domains.marketing import gauges, queries
from services.reporting.domains.marketing.models import (CampaignCreditFact, CampaignEngagementFact,
                                                         CampaignFact, CampaignLeadFact,
                                                         CampaignRecipientFact,
                                                         CampaignResponseFact)
from services.reporting.domains.marketing.projections import CAMPAIGNS
from services.reporting.domains.marketing.reconcile import RECONCILIATION
from services.reporting.plugin import Domain, Report

READERS = ("marketer", "manager")         # as marketing's own results (admin passes too)

REPORTS = (
    Report("marketing_campaigns", queries.campaigns, "marketing/campaigns",
           "reporting:CampaignsQuery", "reporting:CampaignsReport",
           "Campaign KPIs per campaign (group_by=campaign_id) or per channel and currency "
           "(group_by=channel): sent, delivered, bounced, unique opens / clicks, "
           "unsubscribes, responses, leads, converted leads, cost, cost per lead, and per "
           "attribution model (first, last touch) won deals, revenue per currency, CAC and "
           "ROI = (revenue in the campaign's currency − cost) / cost; the funnel reach → "
           "click → response → lead → deal", roles=READERS),
)


def snapshot(session):
    def count(model, *where):
        return session.scalar(select(func.count()).select_from(model).where(*where))
    return {"campaigns": count(CampaignFact, CampaignFact.record_sequence > 0),
            "campaign_recipients": count(CampaignRecipientFact),
            "campaign_engagements": count(CampaignEngagementFact),
            "campaign_responses": count(CampaignResponseFact),
            "campaign_leads": count(CampaignLeadFact, CampaignLeadFact.campaign_id.is_not(None)),
            "campaign_credits": count(CampaignCreditFact, CampaignCreditFact.credited.is_(True))}


DOMAIN = Domain("marketing", projections=(CAMPAIGNS,), reports=REPORTS,
                reconciliation=RECONCILIATION, snapshot=snapshot, gauges=gauges.refresh)
