"""What the customer-value reports read: the live customers (customer_fact, merged ones left
out) with their current class, region and owner, and their purchases — the won deals
(deal_fact, status won) of those customers, each on the local day it closed in the report's
time zone, in exact cents and its own currency, with the products on its lines.

Money is never summed across currencies: a customer's figures are in its *main currency*, the
one most of its won deals are in (ties: the alphabetically first), and its deals in any other
currency are listed as such, not converted."""
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select

from services.reporting import scoping
from services.reporting.domains.customers.models import CustomerFact
from services.reporting.domains.sales.models import DealFact, DealLineFact


@dataclass(frozen=True)
class Customer:
    id: str
    owner_id: str | None
    region: str | None
    value_class: str | None


@dataclass(frozen=True)
class Purchase:
    customer_id: str
    deal_id: str
    day: date               # the local close day
    cents: int
    currency: str


def customers(session):
    """{id: Customer} of every live customer (the classes and groups are the company's,
    whoever reads them)."""
    return {row.id: Customer(row.id, row.owner_id, row.region, row.value_class)
            for row in session.execute(
                select(CustomerFact.id, CustomerFact.owner_id, CustomerFact.region,
                       CustomerFact.value_class).where(CustomerFact.merged.is_(False)))}


def in_scope(session, principal):
    """The ids of the live customers the principal may see (a rep: their own; a manager:
    the team's; admin and the read-all roles: all) — the customer's owner, like customers'
    own lists."""
    return set(session.scalars(select(CustomerFact.id).where(
        CustomerFact.merged.is_(False), scoping.scope(session, principal, CustomerFact.owner_id))))


def purchases(session, tz, until):
    """[Purchase] of the live customers closed on or before the local day `until`, oldest
    first."""
    zone = ZoneInfo(tz)
    rows = session.execute(
        select(DealFact.customer_id, DealFact.id, DealFact.closed_at, DealFact.amount_cents,
               DealFact.currency)
        .join(CustomerFact, CustomerFact.id == DealFact.customer_id)
        .where(DealFact.status == "won", DealFact.closed_at.is_not(None),
               DealFact.currency.is_not(None), CustomerFact.merged.is_(False)))
    found = [Purchase(customer, deal, closed.astimezone(zone).date(), cents, currency)
             for customer, deal, closed, cents, currency in rows]
    return sorted((p for p in found if p.day <= until), key=lambda p: (p.day, p.deal_id))


def products(session, deal_ids):
    """{deal id: {product ids on its lines}}."""
    found = {}
    wanted = set(deal_ids)
    for deal_id, product in session.execute(
            select(DealLineFact.deal_id, DealLineFact.product_id)
            .join(DealFact, DealFact.id == DealLineFact.deal_id).where(DealFact.status == "won")):
        if deal_id in wanted:
            found.setdefault(deal_id, set()).add(product)
    return found


def main_currency(purchases_of_customer):
    """The currency most of the customer's purchases are in (ties: alphabetically first)."""
    counts = {}
    for purchase in purchases_of_customer:
        counts[purchase.currency] = counts.get(purchase.currency, 0) + 1
    return min(counts, key=lambda currency: (-counts[currency], currency)) if counts else None
