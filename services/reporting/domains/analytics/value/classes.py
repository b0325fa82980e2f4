"""Value classes from behaviour (GET /reports/customers/value-classes, issue 17 item 4): per
customer its RFM figures and scores (rfm.py), the suggested class A / B / C with the reason in
words, next to its current class (customers' value_class, as reporting's copy has it).

The scores rank each customer among all live customers of the company, whoever reads the
report, so a customer's suggestion does not depend on the reader; the rows are scoped (a rep:
their own customers; a manager: the team's; admin: all) and paged (limit / offset).

Applying a suggestion is a manager's decision, made through the customers service's own
update (PATCH /api/v1/customers/{id} {"value_class": ...}), which checks the caller's rights
and publishes customer_updated (the audit trail). The value-class rule (value/autoapply.py)
applies them automatically through that same update, as the actor "value_class_rule".
"""
from services.chassis.validation import load
from services.reporting import scoping
from services.reporting.domains.analytics.value import facts, rfm, window
from services.reporting.domains.analytics.value.schemas import ValueClassesQuery
from services.reporting.domains.sales.queries.deals import money

ORDER = {"A": 3, "B": 2, "C": 1}


def behaviour(customers, purchases, as_of, months):
    """[{id, recency_days, frequency, monetary_cents, currency}] per customer: recency from
    its last won deal ever, frequency and value in the window, in its main currency."""
    start = window.months_before(as_of, months)
    by_customer = {}
    for purchase in purchases:
        by_customer.setdefault(purchase.customer_id, []).append(purchase)
    rows = []
    for customer_id in sorted(customers):
        bought = by_customer.get(customer_id, [])
        recent = [p for p in bought if window.within(p.day, start, as_of)]
        currency = facts.main_currency(recent or bought)
        rows.append({"id": customer_id,
                     "recency_days": (as_of - bought[-1].day).days if bought else None,
                     "frequency": len(recent),
                     "monetary_cents": sum(p.cents for p in recent if p.currency == currency),
                     "currency": currency})
    return rows


def change(current, suggested):
    if current not in ORDER:
        return "new"
    return {1: "up", -1: "down"}.get((ORDER[suggested] > ORDER[current])
                                     - (ORDER[suggested] < ORDER[current]), "same")


def suggestions(session, as_of, months, tz="UTC"):
    """{customer id: (current class, suggested class)} of every live customer."""
    customers = facts.customers(session)
    rows = behaviour(customers, facts.purchases(session, tz, as_of), as_of, months)
    scores = rfm.score(rows)
    return {row["id"]: (customers[row["id"]].value_class,
                        rfm.RULES[rfm.suggest(*scores[row["id"]])][0]) for row in rows}


def value_classes(session, principal, query, now=None):
    query = load(ValueClassesQuery, query or {})
    day, months = window.as_of(query, now), query["months"]
    customers = facts.customers(session)
    rows = behaviour(customers, facts.purchases(session, query["tz"], day), day, months)
    scores = rfm.score(rows)
    visible = facts.in_scope(session, principal)
    answer = []
    for row in rows:
        if row["id"] not in visible:
            continue
        customer, rule = customers[row["id"]], rfm.suggest(*scores[row["id"]])
        suggested = rfm.RULES[rule][0]
        recency, frequency, monetary = scores[row["id"]]
        answer.append({
            "customer_id": row["id"], "owner_id": customer.owner_id, "region": customer.region,
            "current_class": customer.value_class, "suggested_class": suggested,
            "change": change(customer.value_class, suggested),
            "recency_days": row["recency_days"], "frequency": row["frequency"],
            "monetary": money(row["monetary_cents"]) if row["currency"] else None,
            "currency": row["currency"],
            "scores": {"recency": recency, "frequency": frequency, "monetary": monetary},
            "reason": rfm.reason(rule, scores[row["id"]], row, months)})
    distribution = {"suggested": _count(answer, "suggested_class"),
                    "current": _count(answer, "current_class"),
                    "changes": sum(row["change"] != "same" for row in answer)}
    listed = [row for row in answer if _wanted(row, query)]
    listed.sort(key=lambda row: (-ORDER[row["suggested_class"]], -sum(row["scores"].values()),
                                 row["customer_id"]))
    start = query["offset"]
    return {"as_of": day.isoformat(), "tz": query["tz"], "months": months,
            "distribution": distribution, "total": len(listed),
            "rows": scoping.label(session, listed[start:start + query["limit"]], ("owner_id",))}


def _count(rows, name):
    counts = {}
    for row in rows:
        key = row[name] or "none"
        counts[key] = counts.get(key, 0) + 1
    return counts


def _wanted(row, query):
    if "suggested_class" in query and row["suggested_class"] not in query["suggested_class"]:
        return False
    return not query["changed_only"] or row["change"] != "same"
