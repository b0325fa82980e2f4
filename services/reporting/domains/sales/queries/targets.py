"""Target attainment: each target (as sales last set it) against what the facts say now.

- won_revenue: the won deals closed on the target's days (local dates in `tz`), in the
  target's currency: all of them for a company target, the rep's for a rep target, the deals
  of reps whose region (users copy) is the target's for a region target, and for a product
  line the won deals' line totals of the products of that series now (product_fact, from
  sales' product events — as sales counts it). A product with no event in sales' log (created
  before sales published them) falls back to its name: equal to the series or starting with it
  and a space ("GTX" → "GTX Pro"); reconcile shows where that guess differs.
- cash_collected: payments received on the target's days in its currency, by the payment's
  owner (rep) or the owner's region; a product line has no cash figure (payments are not per
  product) and answers null.

Who sees what: a rep their own rep targets; a manager the rep targets of their team and every
company / region / product-line target (aggregates, no records); admin and read-all roles all.
"""
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import false, func, or_, select, true

from services.chassis.auth import READ_ALL_ROLES
from services.chassis.validation import load
from services.reporting.domains.identity.models import UserCopy
from services.reporting.domains.identity.queries import names, team_member_ids
from services.reporting.domains.sales import schemas
from services.reporting.domains.sales.models import (DealFact, DealLineFact, PaymentFact,
                                                     ProductFact, TargetFact)
from services.reporting.domains.sales.queries.deals import money
from services.reporting.periods import local_midnight


def _visible(session, principal):
    if principal.is_admin or principal.role in READ_ALL_ROLES:
        return true()
    own_rep = (TargetFact.scope == "rep") & (TargetFact.scope_value == principal.user_id)
    if principal.role == "manager":
        team = team_member_ids(session, principal)
        return or_(TargetFact.scope != "rep", own_rep,
                   (TargetFact.scope == "rep") & TargetFact.scope_value.in_(team))
    if principal.role == "sales_rep":
        return own_rep
    return false()


def _bounds(target, zone):
    def moment(day):
        return datetime.fromtimestamp(local_midnight(day, zone), timezone.utc)
    return moment(target.period_start), moment(target.period_end + timedelta(days=1))


def _region_owners(value):
    return select(UserCopy.id).where(UserCopy.region == value)


def _won_revenue(session, target, zone):
    first, last = _bounds(target, zone)
    won = [DealFact.status == "won", DealFact.closed_at >= first, DealFact.closed_at < last,
           DealFact.currency == target.currency]
    if target.scope == "product_line":
        series = target.scope_value or ""
        by_name = or_(DealLineFact.product_name == series,
                      DealLineFact.product_name.startswith(series + " "))
        return session.scalar(
            select(func.coalesce(func.sum(DealLineFact.total_cents), 0))
            .join(DealFact, DealFact.id == DealLineFact.deal_id)
            .outerjoin(ProductFact, ProductFact.id == DealLineFact.product_id)
            .where(*won, or_(ProductFact.series == series,
                             ProductFact.id.is_(None) & by_name)))
    return session.scalar(select(func.coalesce(func.sum(DealFact.amount_cents), 0))
                          .where(*won, *_owner(DealFact.owner_id, target)))


def _owner(column, target):
    if target.scope == "rep":
        return [column == target.scope_value]
    if target.scope == "region":
        return [column.in_(_region_owners(target.scope_value))]
    return []


def _cash_collected(session, target, _zone):
    if target.scope == "product_line":
        return None
    return session.scalar(
        select(func.coalesce(func.sum(PaymentFact.amount_cents), 0))
        .where(PaymentFact.received_on.between(target.period_start, target.period_end),
               PaymentFact.currency == target.currency,
               *_owner(PaymentFact.owner_id, target)))


MEASURES = {"won_revenue": _won_revenue, "cash_collected": _cash_collected}


def attainment(session, target, zone):
    attained = MEASURES[target.measure](session, target, zone) \
        if target.measure in MEASURES else None
    row = {"id": target.id, "period_kind": target.period_kind,
           "period_start": target.period_start.isoformat(),
           "period_end": target.period_end.isoformat(), "scope": target.scope,
           "scope_value": target.scope_value, "measure": target.measure,
           "currency": target.currency, "parent_id": target.parent_id,
           "amount": money(target.amount_cents), "attained": None, "remaining": None,
           "attainment": None}
    if attained is not None:
        attained = int(attained)
        row.update(attained=money(attained),
                   remaining=money(max(target.amount_cents - attained, 0)),
                   attainment=float((Decimal(attained) / target.amount_cents)
                                    .quantize(Decimal("0.0001"), ROUND_HALF_UP))
                   if target.amount_cents else None)
    return row


def targets(session, principal, query, now=None):
    query = load(schemas.TargetsQuery, query or {})
    where = [TargetFact.removed.is_(False), TargetFact.period_start.is_not(None),
             _visible(session, principal)]
    for name in ("period_kind", "period_start"):
        if name in query:
            where.append(getattr(TargetFact, name) == query[name])
    for name in ("scope", "measure"):
        if name in query:
            where.append(getattr(TargetFact, name).in_(query[name]))
    zone = ZoneInfo(query["tz"])
    found = session.scalars(select(TargetFact).where(*where).order_by(
        TargetFact.period_start, TargetFact.period_kind, TargetFact.measure, TargetFact.scope,
        TargetFact.scope_value, TargetFact.id))
    rows = [attainment(session, target, zone) for target in found]
    found = names(session, [row["scope_value"] for row in rows if row["scope"] == "rep"])
    for row in rows:
        if row["scope"] == "rep":
            row["scope_name"] = found.get(row["scope_value"])
    return {"filters": {name: query[name].isoformat() if name == "period_start" else query[name]
                        for name in ("period_kind", "period_start", "scope", "measure")
                        if name in query},
            "tz": query["tz"], "rows": rows}
