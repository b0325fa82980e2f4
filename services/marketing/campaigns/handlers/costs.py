"""A campaign's actual costs: entries of exact money in its currency, recorded in any status
(invoices arrive after a campaign ends), removed when wrong. The campaign row is locked and its
total changed in the same transaction, so `cost_total` is always the sum of its entries."""
import uuid

from sqlalchemy import select

from services.chassis import pagination
from services.chassis.errors import Invalid, NotFound
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.marketing.campaigns import schemas
from services.marketing.campaigns.handlers.campaigns import get
from services.marketing.campaigns.models import CampaignCost

COST = schemas.Cost()


def _dump(cost, currency):
    return COST.dump({**{name: getattr(cost, name) for name in (
        "id", "campaign_id", "amount", "description", "incurred_on", "recorded_by",
        "created_at")}, "currency": currency})


def _emit(uow, event_type, cost, campaign, actor, now):
    uow.emit(event_type, {"id": cost.id, "campaign_id": campaign.id, "amount": cost.amount,
                          "currency": campaign.currency, "description": cost.description,
                          "incurred_on": cost.incurred_on, "cost_total": campaign.cost_total,
                          "changed_by": actor, "changed_at": now})


def record_cost(uow, principal, campaign_id, data):
    data = load(schemas.CostCreate, data)
    if data["amount"] <= 0:
        raise Invalid("The cost is not valid.", {"amount": ["Must be more than 0."]})
    session, now = uow.session, utcnow()
    campaign = get(session, campaign_id, for_write=True)
    cost = CampaignCost(id=str(uuid.uuid4()), campaign_id=campaign.id, amount=data["amount"],
                        description=data["description"],
                        incurred_on=data.get("incurred_on") or now.date(),
                        recorded_by=principal.user_id, created_at=now)
    session.add(cost)
    campaign.cost_total += cost.amount
    session.flush()
    _emit(uow, "campaign_cost_recorded", cost, campaign, principal.user_id, now)
    return _dump(cost, campaign.currency)


def remove_cost(uow, principal, campaign_id, cost_id):
    session, now = uow.session, utcnow()
    campaign = get(session, campaign_id, for_write=True)
    cost = session.get(CampaignCost, cost_id) if isinstance(cost_id, str) else None
    if cost is None or cost.campaign_id != campaign.id:
        raise NotFound(f"No cost {cost_id} on this campaign.", {"id": cost_id})
    campaign.cost_total -= cost.amount
    session.delete(cost)
    session.flush()
    _emit(uow, "campaign_cost_removed", cost, campaign, principal.user_id, now)
    return None


def list_costs(session, principal, campaign_id, query=None):
    filters = load(schemas.CostQuery, query or {})
    campaign = get(session, campaign_id)
    statement = select(CampaignCost).where(CampaignCost.campaign_id == campaign.id)
    return pagination.newest_first(session, statement, CampaignCost, filters,
                                   f"costs:{campaign.id}",
                                   lambda _session, rows: [_dump(r, campaign.currency)
                                                           for r in rows])
