"""The behaviour each customer is grouped on, from reporting's read models, as of a local day:

- recency_days, frequency, monetary: as for the value classes (value/classes.py: the last won
  deal ever; the won deals and their amount in the `months` before), monetary as a multiple of
  the median of its currency's buyers — amounts in different currencies are not comparable,
  and in one currency this is the amount rescaled, which standardising undoes;
- products: the distinct products on the customer's won deals;
- tickets: the service desk tickets opened for the customer.
Interactions are not there: reporting's interaction activity is kept per rep, not per customer,
so they are left out until a projection keeps them per customer.

Only customers that have won a deal are grouped (the others have no behaviour to speak of)."""
from statistics import median
from zoneinfo import ZoneInfo

from sqlalchemy import select

from services.reporting.domains.analytics.value import classes, facts
from services.reporting.domains.service_desk.models import TicketFact

NAMES = ("recency_days", "frequency", "monetary", "products", "tickets")


def behaviour(session, tz, as_of, months):
    """([customer ids], [[feature values in NAMES order]]) of the customers with a won deal."""
    purchases = facts.purchases(session, tz, as_of)
    rows = [row for row in classes.behaviour(facts.customers(session), purchases, as_of, months)
            if row["recency_days"] is not None]
    lines = facts.products(session, [p.deal_id for p in purchases])
    products = {}
    for purchase in purchases:
        products.setdefault(purchase.customer_id, set()).update(lines.get(purchase.deal_id, ()))
    tickets = _tickets(session, tz, as_of)
    medians = {currency: median(row["monetary_cents"] for row in rows
                                if row["currency"] == currency and row["monetary_cents"])
               for currency in {row["currency"] for row in rows if row["monetary_cents"]}}
    matrix = [[row["recency_days"], row["frequency"],
               row["monetary_cents"] / medians[row["currency"]] if row["monetary_cents"] else 0.0,
               len(products.get(row["id"], ())), tickets.get(row["id"], 0)] for row in rows]
    return [row["id"] for row in rows], matrix


def _tickets(session, tz, as_of):
    zone, counts = ZoneInfo(tz), {}
    for customer_id, created_at in session.execute(
            select(TicketFact.customer_id, TicketFact.created_at)
            .where(TicketFact.customer_id.is_not(None), TicketFact.created_at.is_not(None))):
        if created_at.astimezone(zone).date() <= as_of:
            counts[customer_id] = counts.get(customer_id, 0) + 1
    return counts
