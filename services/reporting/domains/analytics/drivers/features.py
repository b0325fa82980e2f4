"""A deal's attributes as the win-drivers model sees them: one (factor, value) pair per
attribute — several products for a deal with several — read from reporting's deal facts and
lines and the customer's fact, scoped like every sales report. The values are words ready to
be shown (a product's name, an industry, a size band, an age band); owners stay ids until
labelled from the users copy."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from services.reporting.domains.customers.models import CustomerFact
from services.reporting.domains.sales.models import DealFact, DealLineFact

FACTORS = ("product", "industry", "size", "region", "rep", "age")
UNKNOWN = "unknown"
SIZE_BANDS = ((1000, "1,000+ employees"), (250, "250–999 employees"), (50, "50–249 employees"),
              (0, "fewer than 50 employees"))
AGE_BANDS = ((180, "180 days or more"), (90, "90–179 days"), (30, "30–89 days"),
             (0, "under 30 days"))


@dataclass
class Deal:
    id: str
    status: str
    owner_id: str | None
    customer_id: str | None
    stage: str | None
    amount_cents: int
    currency: str | None
    probability: int
    attributes: dict = field(default_factory=dict)      # {(factor, value): 1}


def band(value, bands):
    if value is None:
        return UNKNOWN
    return next(label for floor, label in bands if value >= floor)


def deals(session, where, now: datetime, statuses):
    """[Deal] of the scope's deals in `statuses`, each with its attributes. A closed deal's age
    is from creation to its close; an open one's to `now`."""
    found = {}
    for (deal_id, status, owner, customer, stage, cents, currency, probability, created, closed,
         industry, size, region) in session.execute(
            select(DealFact.id, DealFact.status, DealFact.owner_id, DealFact.customer_id,
                   DealFact.stage, DealFact.amount_cents, DealFact.currency, DealFact.probability,
                   DealFact.created_at, DealFact.closed_at, CustomerFact.industry,
                   CustomerFact.size, CustomerFact.region)
            .outerjoin(CustomerFact, CustomerFact.id == DealFact.customer_id)
            .where(DealFact.status.in_(statuses), *where).order_by(DealFact.id)):
        end = closed if status != "open" else now
        age = (end - created).days if created and end else None
        deal = Deal(deal_id, status, owner, customer, stage, cents, currency, probability)
        deal.attributes = {("industry", industry or UNKNOWN): 1, ("size", band(size, SIZE_BANDS)): 1,
                           ("region", region or UNKNOWN): 1, ("rep", owner or UNKNOWN): 1,
                           ("age", band(age, AGE_BANDS)): 1}
        found[deal_id] = deal
    for deal_id, product_id, name in session.execute(
            select(DealLineFact.deal_id, DealLineFact.product_id, DealLineFact.product_name)
            .join(DealFact, DealFact.id == DealLineFact.deal_id)
            .where(DealFact.status.in_(statuses), *where)):
        if deal_id in found:
            found[deal_id].attributes[("product", name or product_id)] = 1
    return list(found.values())
