"""marketing's business gauges, from the campaign facts (one grouped query each): broadcast
recipients by outcome, campaigns' cost, and the revenue of the won deals credited to them per
attribution model — in the campaign's currency, as the campaign report's ROI counts it (a deal
in another currency than its campaign's is left out), so that ROI = (revenue − cost) / cost per
currency (the recording rule crm:campaign_roi:ratio)."""
from prometheus_client import Gauge
from sqlalchemy import func, select

from services.reporting.domains.marketing.models import (CampaignCreditFact, CampaignFact,
                                                         CampaignRecipientFact)
from services.reporting.metrics import set_by_label

OUTCOMES = ("sent", "bounced", "failed", "skipped")
MODELS = ("first", "last")

RECIPIENTS = Gauge("crm_campaign_recipients",
                   "Broadcast recipients so far by final outcome (sent / bounced / failed / skipped)",
                   ["outcome"])
COST = Gauge("crm_campaign_cost_amount", "Campaigns' recorded cost, by the campaign's currency",
             ["currency"])
REVENUE = Gauge("crm_campaign_attributed_revenue_amount",
                "Won deals' amounts credited to campaigns, per attribution model (first / last "
                "touch), in the campaign's currency (deals in another are left out, as in ROI)",
                ["model", "currency"])


def refresh(session, seen, _today):
    outcomes = dict(session.execute(select(CampaignRecipientFact.outcome, func.count())
                                    .group_by(CampaignRecipientFact.outcome)).all())
    set_by_label(RECIPIENTS, "recipient_outcome",
                 dict.fromkeys(OUTCOMES, 0) | {o: int(n) for o, n in outcomes.items()}, seen)
    cost = session.execute(select(CampaignFact.currency, func.sum(CampaignFact.cost_cents))
                           .group_by(CampaignFact.currency)).all()
    cost = {currency or "none": int(cents or 0) / 100 for currency, cents in cost}
    set_by_label(COST, "cost_currency", cost, seen)
    revenue = session.execute(
        select(CampaignCreditFact.model, CampaignCreditFact.currency,
               func.sum(CampaignCreditFact.amount_cents))
        .join(CampaignFact, CampaignFact.id == CampaignCreditFact.campaign_id)
        .where(CampaignCreditFact.credited.is_(True),
               CampaignCreditFact.currency == CampaignFact.currency)
        .group_by(CampaignCreditFact.model, CampaignCreditFact.currency)).all()
    # 0 for a currency with cost and nothing credited yet: its ROI is -100 %, not missing.
    set_by_label(REVENUE, "revenue_model_currency",
                 {(model, currency): 0 for model in MODELS for currency in cost}
                 | {(model, currency): int(cents) / 100 for model, currency, cents in revenue}, seen)
