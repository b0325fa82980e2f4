"""Customer lifetime value (GET /reports/customers/lifetime-value, issue 17 item 6), per
currency (never converted) and, if asked, per value class or region (the customer's current
ones, so the groups' customers, orders and revenue sum to the totals beside them):

    CLV = average order value × purchase frequency × expected lifespan

- average order value = revenue / orders — the won deals closed in the window (the `months`
  months up to `as_of`, local days in `tz`);
- purchase frequency = orders / customers (those who bought in the window) × 12 / months:
  orders per customer per year;
- expected lifespan = (months / 12) / (1 − retention) years, retention being the share of the
  previous window's buyers who bought again in this one (a customer stays a geometric number
  of windows); capped at MAX_LIFESPAN_YEARS when every one came back, none (no CLV) when the
  previous window had no buyer to measure it on.

Exact fractions until the answer; money half-up to the cent.
"""
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from services.chassis.validation import load
from services.reporting.domains.analytics.value import facts, window
from services.reporting.domains.analytics.value.schemas import LifetimeValueQuery
from services.reporting.domains.sales.queries.deals import CENT, money

MAX_LIFESPAN_YEARS = 10
FORMULA = ("average_order_value × purchase_frequency × expected_lifespan_years; frequency = "
           "orders / customers × 12 / months; lifespan = (months / 12) / (1 − retention), at most "
           f"{MAX_LIFESPAN_YEARS} years")


def figures(current, previous, months):
    """From the window's purchases and the previous window's (one currency and group)."""
    customers = {p.customer_id for p in current}
    orders, revenue = len(current), sum(p.cents for p in current)
    before = {p.customer_id for p in previous}
    retention = Fraction(len(before & customers), len(before)) if before else None
    if retention is None:
        lifespan = None
    elif retention == 1:
        lifespan = Fraction(MAX_LIFESPAN_YEARS)
    else:
        lifespan = min(Fraction(months, 12) / (1 - retention), Fraction(MAX_LIFESPAN_YEARS))
    frequency = Fraction(orders, len(customers)) * Fraction(12, months) if customers else None
    average = Fraction(revenue, orders) if orders else None      # cents
    value = average * frequency * lifespan if average and lifespan is not None else None
    return {"customers": len(customers), "orders": orders, "revenue": money(revenue),
            "average_order_value": _money(average), "purchase_frequency": _round(frequency),
            "retention": _round(retention), "expected_lifespan_years": _round(lifespan, 2),
            "lifetime_value": _money(value)}


def _money(cents):
    if cents is None:
        return None
    return str((Decimal(cents.numerator) / cents.denominator / 100).quantize(CENT, ROUND_HALF_UP))


def _round(value, places=4):
    return None if value is None else round(float(value), places)


def lifetime_value(session, principal, query, now=None):
    query = load(LifetimeValueQuery, query or {})
    day, months, group_by = window.as_of(query, now), query["months"], query["group_by"]
    start = window.months_before(day, months)
    earlier = window.months_before(day, 2 * months)
    visible, customers = facts.in_scope(session, principal), facts.customers(session)
    groups, totals = {}, {}
    for purchase in facts.purchases(session, query["tz"], day):
        if purchase.customer_id not in visible:
            continue
        customer = customers[purchase.customer_id]
        cuts = {"value_class": customer.value_class, "region": customer.region}
        which = 0 if window.within(purchase.day, start, day) else 1
        if which and not window.within(purchase.day, earlier, start):
            continue                    # older than the previous window
        key = (*(cuts[name] for name in group_by), purchase.currency)
        groups.setdefault(key, ([], []))[which].append(purchase)
        totals.setdefault(purchase.currency, ([], []))[which].append(purchase)
    return {"as_of": day.isoformat(), "tz": query["tz"], "months": months, "group_by": group_by,
            "formula": FORMULA,
            "rows": [{**dict(zip(group_by, key)), "currency": key[-1],
                      **figures(*groups[key], months)}
                     for key in sorted(groups, key=lambda key: [value or "" for value in key])
                     if groups[key][0]],
            "totals": [{"currency": currency, **figures(*totals[currency], months)}
                       for currency in sorted(totals) if totals[currency][0]]}
