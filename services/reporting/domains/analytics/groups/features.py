"""The behaviour each customer is grouped on, from reporting's read models, as of a local day:

- recency_days, frequency, monetary: as for the value classes (value/classes.py: the last won
  deal ever; the won deals and their amount in the `months` before), monetary as a multiple of
  the median of its currency's buyers — amounts in different currencies are not comparable,
  and in one currency this is the amount rescaled, which standardising undoes;
- products: the distinct products on the customer's won deals;
- tickets: the service desk tickets opened for the customer (up to as_of);
- interactions: the calls, meetings, mails… logged with the customer (customers'
  interaction_logged, kept per customer by churn risk's analytics_interaction_fact, a merged
  customer's moved to the winner) on the local days in the `months` before as_of, like
  frequency: how engaged the customer is lately, not how long it has been one.

Only customers that have won a deal are grouped (the others have no behaviour to speak of)."""
from datetime import datetime, time, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from services.reporting.domains.analytics.risk.models import InteractionFact
from services.reporting.domains.analytics.value import classes, facts, window
from services.reporting.domains.service_desk.models import TicketFact

NAMES = ("recency_days", "frequency", "monetary", "products", "tickets", "interactions")


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
    interactions = _interactions(session, tz, as_of, months)
    medians = {currency: median(row["monetary_cents"] for row in rows
                                if row["currency"] == currency and row["monetary_cents"])
               for currency in {row["currency"] for row in rows if row["monetary_cents"]}}
    matrix = [[row["recency_days"], row["frequency"],
               row["monetary_cents"] / medians[row["currency"]] if row["monetary_cents"] else 0.0,
               len(products.get(row["id"], ())), tickets.get(row["id"], 0),
               interactions.get(row["id"], 0)] for row in rows]
    return [row["id"] for row in rows], matrix


def _tickets(session, tz, as_of):
    zone, counts = ZoneInfo(tz), {}
    for customer_id, created_at in session.execute(
            select(TicketFact.customer_id, TicketFact.created_at)
            .where(TicketFact.customer_id.is_not(None), TicketFact.created_at.is_not(None))):
        if created_at.astimezone(zone).date() <= as_of:
            counts[customer_id] = counts.get(customer_id, 0) + 1
    return counts


def _interactions(session, tz, as_of, months):
    """{customer id: interactions on the local days after `months` before as_of, to as_of}
    (window.within: the same days as frequency), counted in SQL between the UTC instants
    those local days start and end."""
    zone = ZoneInfo(tz)
    first = datetime.combine(window.months_before(as_of, months) + timedelta(days=1), time(),
                             tzinfo=zone)
    end = datetime.combine(as_of + timedelta(days=1), time(), tzinfo=zone)
    return dict(session.execute(
        select(InteractionFact.customer_id, func.count())
        .where(InteractionFact.occurred_at >= first, InteractionFact.occurred_at < end)
        .group_by(InteractionFact.customer_id)).all())
