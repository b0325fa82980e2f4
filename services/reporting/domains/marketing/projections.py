"""The `campaigns` projection: marketing's campaign, sending, engagement, response and
attribution events, and sales' lead_created / lead_converted, into the facts of models.py.

Every handler is order-independent and idempotent (live handler and catch-up race, rebuilds
replay): facts are keyed by the producer's natural ids, "first of its kind" rows are inserted
once whatever arrives first, and a value that changes (a campaign's cost, a recipient's outcome,
a credit given then withdrawn) keeps the producer sequence it was set from, so an older event
never overwrites a newer one. The `first` flag of engagement events is not needed: the key
(campaign, contact, kind) is the uniqueness marketing's flag describes.
"""
from services.reporting import rollups
from services.reporting.domains.marketing import consumes
from services.reporting.domains.marketing.models import (CampaignCostFact, CampaignCreditFact,
                                                         CampaignEngagementFact,
                                                         CampaignFact, CampaignLeadFact,
                                                         CampaignRecipientFact,
                                                         CampaignResponseFact)
from services.reporting.plugin import Projection
from services.reporting.tolerant import load

SENT = "sent"
ENGAGEMENT_KINDS = {"email_opened": "opened", "email_clicked": "clicked",
                    "email_unsubscribed": "unsubscribed", "email_bounced": "bounced",
                    "email_complained": "complained"}


def _campaign(session, campaign_id):
    return rollups.locked_row(session, CampaignFact, {"id": campaign_id}, cost_cents=0,
                              record_sequence=0, cost_sequence=0)


def _cost(fact, cost_total, sequence):
    if sequence > fact.cost_sequence:
        fact.cost_cents, fact.cost_sequence = rollups.cents(cost_total), sequence


def apply_campaign(session, envelope):
    data, sequence = load(consumes.CampaignRecord, envelope), envelope["sequence"]
    fact = _campaign(session, data["id"])
    if sequence > fact.record_sequence:
        for name in ("name", "channel", "currency", "status"):
            setattr(fact, name, data[name])
        fact.record_sequence = sequence
    _cost(fact, data["cost_total"], sequence)


def apply_cost(session, envelope):
    """The total (the campaign's cost now) and the entry itself (its cost per day): an entry
    removed stays removed whichever of its two events comes first."""
    data = load(consumes.CostChange, envelope)
    _cost(_campaign(session, data["campaign_id"]), data["cost_total"], envelope["sequence"])
    entry = rollups.locked_row(session, CampaignCostFact, {"id": data["id"]},
                               campaign_id=data["campaign_id"],
                               amount_cents=rollups.cents(data["amount"]),
                               incurred_on=data["incurred_on"], removed=False)
    if envelope["event_type"] == "campaign_cost_removed":
        entry.removed = True


def _outcome(session, data, outcome, at, sequence):
    fact = rollups.locked_row(session, CampaignRecipientFact,
                              {"campaign_id": data["campaign_id"],
                               "contact_id": data["contact_id"]}, outcome=outcome, at=at,
                              sequence=0)
    if sequence > fact.sequence:
        fact.outcome, fact.at, fact.sequence = outcome, at, sequence


def apply_sent(session, envelope):
    data = load(consumes.EmailSent, envelope)
    _outcome(session, data, SENT, data["sent_at"], envelope["sequence"])


def apply_not_sent(session, envelope):
    data = load(consumes.EmailNotSent, envelope)
    _outcome(session, data, data["outcome"], data["at"], envelope["sequence"])


def _earliest(fact, name, at):
    """Keep the earliest time seen (events of one fact may come in any order)."""
    current = getattr(fact, name)
    if current is None or at < current:
        setattr(fact, name, at)


def apply_engagement(session, envelope):
    data = load(consumes.Engagement, envelope)
    if data["campaign_id"] is None:          # a mail of no campaign (an automation's, a test)
        return
    fact = rollups.locked_row(session, CampaignEngagementFact, {
        "campaign_id": data["campaign_id"], "contact_id": data["contact_id"],
        "kind": ENGAGEMENT_KINDS[envelope["event_type"]]}, at=data["at"])
    _earliest(fact, "at", data["at"])


def apply_response(session, envelope):
    data = load(consumes.ResponseReceived, envelope)
    fact = rollups.locked_row(session, CampaignResponseFact, {"id": data["id"]},
                              campaign_id=data["campaign_id"], received_at=data["received_at"])
    fact.received_at = data["received_at"]


def apply_credit(session, envelope):
    data, sequence = load(consumes.DealCredit, envelope), envelope["sequence"]
    values = {"campaign_id": data["campaign_id"], "amount_cents": rollups.cents(data["amount"]),
              "currency": data["currency"], "won_at": data["won_at"],
              "credited": envelope["event_type"] == "campaign_deal_credited"}
    fact = rollups.locked_row(session, CampaignCreditFact,
                              {"deal_id": data["deal_id"], "model": data["model"]},
                              **values, sequence=0)
    if sequence > fact.sequence:
        for name, value in values.items():
            setattr(fact, name, value)
        fact.sequence = sequence


def apply_lead_created(session, envelope):
    """Like marketing's own copy: the campaign a lead was created with is its campaign."""
    data = load(consumes.LeadCreated, envelope)
    if data["campaign_id"] is None:
        return
    fact = rollups.locked_row(session, CampaignLeadFact, {"lead_id": data["id"]})
    fact.campaign_id, fact.created_at = data["campaign_id"], data["created_at"]


def apply_lead_converted(session, envelope):
    data = load(consumes.LeadConverted, envelope)
    fact = rollups.locked_row(session, CampaignLeadFact, {"lead_id": data["lead_id"]})
    fact.deal_id, fact.converted_at = data["deal_id"], data["converted_at"]


CAMPAIGNS = Projection("campaigns", {
    "marketing": {
        **{name: apply_campaign for name in consumes.CAMPAIGN_RECORD_EVENTS},
        **{name: apply_cost for name in consumes.COST_EVENTS},
        "campaign_email_sent": apply_sent,
        "campaign_email_failed": apply_not_sent,
        **{name: apply_engagement for name in consumes.ENGAGEMENT_EVENTS},
        "campaign_response_received": apply_response,
        **{name: apply_credit for name in consumes.CREDIT_EVENTS},
    },
    "sales": {"lead_created": apply_lead_created, "lead_converted": apply_lead_converted},
}, (CampaignFact, CampaignRecipientFact, CampaignEngagementFact, CampaignResponseFact,
    CampaignLeadFact, CampaignCreditFact, CampaignCostFact))
