"""Target attainment recomputed from sales' own rows for reconcile: each live target
(sales' reconcile_target_facts) with its amount, and what it has attained — won deals
(reconcile_deal_facts: status, owner, amount, currency, closed_at) or their product lines
(reconcile_deal_history), and payments (reconcile_cash_facts) — on the target's UTC days.
The owner's region comes from our users copy (identity's, as sales' own copy is).

Compared per target id: "targets.amount_cents" and "targets.attained_cents" (-1 where a
figure does not exist: cash of a product line) against queries/targets.attainment on our facts.
"""
from collections import Counter
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import select

from services.reporting.domains.identity.models import UserCopy
from services.reporting.domains.sales.models import TargetFact
from services.reporting.domains.sales.queries.targets import attainment

KEYS = {"targets.amount_cents": ("target_id",), "targets.attained_cents": ("target_id",)}
NOT_COMPUTABLE = -1
UTC = timezone.utc


def _cents(amount):
    return int(Decimal(amount) * 100)


def _in(target, day):
    return date.fromisoformat(target["period_start"]) <= day <= date.fromisoformat(
        target["period_end"])


def _owner_matches(target, owner, regions):
    if target["scope"] == "rep":
        return owner == target["scope_value"]
    if target["scope"] == "region":
        return regions.get(owner) == target["scope_value"]
    return True


def _of_series(line, series):
    """The product's series now, as sales reports it with the line; a sales that does not
    (older) leaves the name rule (queries/targets.py)."""
    if "series" in line:
        return line["series"] == series
    name = line["product_name"]
    return name == series or (name or "").startswith(series + " ")


def _attained(target, deals, lines, invoices, regions):
    currency = target["currency"]
    if target["measure"] == "cash_collected":
        if target["scope"] == "product_line":
            return NOT_COMPUTABLE
        return sum(_cents(p["amount"]) for i in invoices if i["currency"] == currency
                   and _owner_matches(target, i["owner_id"], regions)
                   for p in i["payments"] if _in(target, date.fromisoformat(p["received_on"])))
    total = 0
    for deal in deals:
        if deal["status"] != "won" or deal["currency"] != currency or not deal["closed_at"]:
            continue
        if not _in(target, datetime.fromisoformat(deal["closed_at"]).astimezone(UTC).date()):
            continue
        if target["scope"] == "product_line":
            total += sum(_cents(line["total"]) for line in lines.get(deal["id"], [])
                         if _of_series(line, target["scope_value"] or ""))
        elif _owner_matches(target, deal["owner_id"], regions):
            total += _cents(deal["amount"])
    return total


def expected(session, targets, deals, histories, invoices):
    regions = dict(session.execute(select(UserCopy.id, UserCopy.region)).all())
    lines = {history["id"]: history["lines"] for history in histories}
    found = {name: Counter() for name in KEYS}
    for target in targets:
        found["targets.amount_cents"][(target["id"],)] = _cents(target["amount"])
        found["targets.attained_cents"][(target["id"],)] = _attained(
            target, deals, lines, invoices, regions)
    return found


def actual(session):
    found = {name: Counter() for name in KEYS}
    for target in session.scalars(select(TargetFact).where(
            TargetFact.removed.is_(False), TargetFact.period_start.is_not(None))):
        row = attainment(session, target, UTC)
        found["targets.amount_cents"][(target.id,)] = target.amount_cents
        found["targets.attained_cents"][(target.id,)] = (
            NOT_COMPUTABLE if row["attained"] is None else _cents(row["attained"]))
    return found
