"""Following sales' leads and deals for attribution (models.py), in the transaction of the
event (exactly once: the inbox). A won deal is credited when the audience has it as a purchase
(the deal has a customer), and loses its credit when the audience drops the purchase (the deal
lost, or moved out of its won stage later) — one rule of "won" for both."""
from sqlalchemy import select, union_all

from services.marketing.attribution import consumes
from services.marketing.attribution.models import (FIRST, LAST, CampaignAttribution,
                                                   CampaignLead)
from services.marketing.audience.models import AudiencePurchase
from services.marketing.audience.rows import read, surviving
from services.marketing.responses.models import CampaignResponse


def lead_created(uow, envelope):
    data, session = read(envelope, consumes.FROM_SALES), uow.session
    if data["campaign_id"] and session.get(CampaignLead, data["id"]) is None:
        session.add(CampaignLead(lead_id=data["id"], campaign_id=data["campaign_id"],
                                 created_at=data["created_at"]))


def lead_converted(uow, envelope):
    data, session = read(envelope, consumes.FROM_SALES), uow.session
    lead = session.get(CampaignLead, data["lead_id"])
    if lead is not None:
        lead.customer_id, lead.deal_id = data["customer_id"], data["deal_id"]
        lead.converted_at = data["converted_at"]


def touches(session, customer_id, lead_id, until):
    """[(touched_at, campaign_id)] of the customer up to `until`, oldest first: its matched
    responses and the campaign leads converted to it (or the deal's own lead)."""
    responses = select(CampaignResponse.created_at.label("at"),
                       CampaignResponse.campaign_id.label("campaign_id")).where(
        CampaignResponse.customer_id == customer_id, CampaignResponse.created_at <= until)
    lead = CampaignLead.customer_id == customer_id
    if lead_id:
        lead = lead | (CampaignLead.lead_id == lead_id)
    leads = select(CampaignLead.created_at, CampaignLead.campaign_id).where(
        lead, CampaignLead.created_at <= until)
    both = union_all(responses, leads).subquery()
    return [tuple(row) for row in session.execute(
        select(both.c.at, both.c.campaign_id).order_by(both.c.at, both.c.campaign_id))]


def _withdraw(uow, deal_id):
    """Remove the deal's credits, each with campaign_deal_uncredited."""
    session = uow.session
    for credit in session.scalars(select(CampaignAttribution).where(
            CampaignAttribution.deal_id == deal_id).order_by(CampaignAttribution.model)):
        uow.emit("campaign_deal_uncredited", _payload(credit))
        session.delete(credit)
    session.flush()


def _payload(credit):
    return {name: getattr(credit, name) for name in (
        "deal_id", "model", "campaign_id", "customer_id", "amount", "currency", "won_at",
        "touched_at")}


def credit_won_deal(uow, envelope):
    data, session = read(envelope, consumes.FROM_SALES), uow.session
    _withdraw(uow, data["id"])
    purchase = session.get(AudiencePurchase, f"deal:{data['id']}")
    if purchase is None:
        return                          # no customer: not a purchase, nobody to credit
    customer_id = surviving(session, data["customer_id"])
    found = touches(session, customer_id, data["lead_id"], purchase.purchased_at)
    if not found:
        return
    for model, (touched_at, campaign_id) in ((FIRST, found[0]), (LAST, found[-1])):
        credit = CampaignAttribution(
            deal_id=data["id"], model=model, campaign_id=campaign_id, customer_id=customer_id,
            amount=purchase.amount, currency=purchase.currency, won_at=purchase.purchased_at,
            touched_at=touched_at)
        session.add(credit)
        uow.emit("campaign_deal_credited", _payload(credit))


def drop_unwon(uow, envelope):
    """After the audience decided (deal_lost, deal_stage_changed): no purchase, no credit."""
    payload = envelope["payload"]
    deal_id = payload.get("deal_id") or payload.get("id")
    if deal_id and uow.session.get(AudiencePurchase, f"deal:{deal_id}") is None:
        _withdraw(uow, deal_id)


def _then(project, step):
    def apply(uow, envelope):
        if project is not None:
            project(uow, envelope)
        step(uow, envelope)
    apply.__name__ = getattr(project, "__name__", step.__name__)
    return apply


def with_attribution(mapping):
    """The subscriptions with sales' lead events followed and the deals' purchase decisions
    (audience/purchases.py, run first) followed by their credit."""
    combined = {source: dict(handlers) for source, handlers in mapping.items()}
    sales = combined.setdefault("sales", {})
    sales["lead_created"] = _then(sales.get("lead_created"), lead_created)
    sales["lead_converted"] = _then(sales.get("lead_converted"), lead_converted)
    sales["deal_won"] = _then(sales.get("deal_won"), credit_won_deal)
    for event_type in ("deal_lost", "deal_stage_changed"):
        sales[event_type] = _then(sales.get(event_type), drop_unwon)
    return combined
