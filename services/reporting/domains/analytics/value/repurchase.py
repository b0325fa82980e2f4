"""The repurchase rate (GET /reports/customers/repurchase, issue 17 item 6): per period, of the
customers who bought in it (a won deal closed in it, local days in `tz`), the share who had
bought before the period started:

    repurchase rate = repeat buyers / buyers

per value class and region (the customer's current ones: each customer is in one, so the rows
of a period sum to its total, which the report carries beside them) and per product (a buyer of
the product in the period; repeat: had bought *that product* before — these rows do not sum,
a customer buying two products counts under both). Scoped on the customer's owner like every
customer report; the history before the period counts whatever `from` is.
"""
from datetime import timedelta

from services.chassis.validation import load
from services.reporting import periods
from services.reporting.domains.analytics.value import facts, window
from services.reporting.domains.analytics.value.schemas import RepurchaseQuery
from services.reporting.domains.sales.queries.cuts import label_products

DEFAULT_MONTHS = 12


def first_bought(purchases, lines):
    """{(customer, None): first day it bought anything, (customer, product): first day it bought
    the product}."""
    first = {}
    for purchase in purchases:
        for product in (None, *lines.get(purchase.deal_id, ())):
            key = (purchase.customer_id, product)
            if key not in first or purchase.day < first[key]:
                first[key] = purchase.day
    return first


def tally(purchases, period, keys_of, first):
    """{(period label, group key): (buyers, repeat buyers)} over the purchases within the
    period; keys_of(purchase) → [(group key, product the repeat is judged on or None)]."""
    found = {}
    for purchase in purchases:
        if not period.contains(purchase.day):
            continue
        label = period.label_of_day(purchase.day)
        for key, product in keys_of(purchase):
            buyers, repeat = found.setdefault((label, key), (set(), set()))
            buyers.add(purchase.customer_id)
            if first[(purchase.customer_id, product)] < label:
                repeat.add(purchase.customer_id)
    return {key: (len(buyers), len(repeat)) for key, (buyers, repeat) in found.items()}


def rate(buyers, repeat):
    return round(repeat / buyers, 4) if buyers else None


def repurchase(session, principal, query, now=None):
    query = load(RepurchaseQuery, query or {})
    end = query.get("to") or periods.today_in(query["tz"], now)
    start = query.get("from_") or window.months_before(end, DEFAULT_MONTHS) + timedelta(1)
    period = periods.period({**query, "from_": start, "to": end})
    group_by = query["group_by"]
    visible, customers = facts.in_scope(session, principal), facts.customers(session)
    bought = [p for p in facts.purchases(session, query["tz"], period.end) if p.customer_id in visible]
    lines = facts.products(session, [p.deal_id for p in bought])
    first = first_bought(bought, lines)

    def keys_of(purchase):
        customer = customers[purchase.customer_id]
        cuts = {"value_class": customer.value_class, "region": customer.region}
        if "product_id" not in group_by:
            return [(tuple(cuts[name] for name in group_by), None)]
        return [(tuple(product if name == "product_id" else cuts[name] for name in group_by),
                 product) for product in sorted(lines.get(purchase.deal_id, ()))]
    rows = [{"period": label.isoformat(), **dict(zip(group_by, key)), "buyers": buyers,
             "repeat_buyers": repeat, "repurchase_rate": rate(buyers, repeat)}
            for (label, key), (buyers, repeat) in tally(bought, period, keys_of, first).items()]
    rows.sort(key=lambda row: [row["period"]] + [row[name] or "" for name in group_by])
    totals = [{"period": label.isoformat(), "buyers": buyers, "repeat_buyers": repeat,
               "repurchase_rate": rate(buyers, repeat)}
              for (label, _key), (buyers, repeat)
              in sorted(tally(bought, period, lambda p: [((), None)], first).items())]
    return {"period": period.as_dict(), "group_by": group_by,
            "rows": label_products(session, rows, group_by), "totals": totals}
