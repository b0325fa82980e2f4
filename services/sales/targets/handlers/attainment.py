"""What a target has attained, and how its parts split it.

Attainment counts only the target's currency (a deal or payment in another currency is not
converted and does not count), on the target's UTC days:
- won_revenue: deals in a won stage with closed_at in the period — all for the company, the
  owner's for a rep, the owners' whose region (users copy) is the target's for a region; for a
  product line the won deals' LINE totals of products of that series.
- cash_collected: payments received_on in the period, by the invoice's owner (rep / region);
  a product line has no cash figure (payments are not per product): None.

The hierarchy (same period, measure and currency): company ⊃ region ⊃ rep (a rep's parent is
the region target of the rep's region in the users copy) and company ⊃ product_line.
"""
from decimal import Decimal

from sqlalchemy import select

from services.sales.cash.models import Invoice, Payment
from services.sales.deals.models import Deal, DealLine, PipelineStage
from services.sales.products.models import Product
from services.sales.targets.handlers.periods import bounds
from services.sales.targets.models import SalesTarget
from services.sales.users import UserCopy

ZERO = Decimal("0.00")


def _region_owners(region):
    return select(UserCopy.id).where(UserCopy.region == region)


def _owner(column, target):
    if target.scope == "rep":
        return [column == target.scope_value]
    if target.scope == "region":
        return [column.in_(_region_owners(target.scope_value))]
    return []


def _won_revenue(session, target):
    first, after = bounds(target.period_start, target.period_end)
    won = [Deal.stage.in_(select(PipelineStage.key).where(PipelineStage.kind == "won")),
           Deal.closed_at >= first, Deal.closed_at < after, Deal.currency == target.currency]
    if target.scope == "product_line":
        rows = session.scalars(select(DealLine.total).join(Deal, Deal.id == DealLine.deal_id)
                               .join(Product, Product.id == DealLine.product_id)
                               .where(*won, Product.series == target.scope_value))
    else:
        rows = session.scalars(select(Deal.amount).where(*won, *_owner(Deal.owner_id, target)))
    return sum(rows, ZERO)       # exact Decimals, summed here (Cents are integers in the DB)


def _cash_collected(session, target):
    if target.scope == "product_line":
        return None
    rows = session.scalars(
        select(Payment.amount).join(Invoice, Invoice.id == Payment.invoice_id)
        .where(Payment.received_on.between(target.period_start, target.period_end),
               Payment.currency == target.currency, *_owner(Invoice.owner_id, target)))
    return sum(rows, ZERO)


MEASURES = {"won_revenue": _won_revenue, "cash_collected": _cash_collected}


def attained(session, target):
    return MEASURES[target.measure](session, target)


def _same_key(target):
    return [SalesTarget.period_kind == target.period_kind,
            SalesTarget.period_start == target.period_start,
            SalesTarget.measure == target.measure, SalesTarget.currency == target.currency]


def rep_region(session, user_id):
    return session.scalar(select(UserCopy.region).where(UserCopy.id == user_id))


def parent(session, target, for_update=False):
    """The target this one is a part of (None at the top, or when none is set). With
    `for_update` its row is locked: parts set at the same time queue on it, so each sees the
    others' amounts before it checks their sum."""
    if target.scope == "company":
        return None
    if target.scope == "rep":
        region = rep_region(session, target.scope_value)
        if not region:
            return None
        query = select(SalesTarget).where(*_same_key(target), SalesTarget.scope == "region",
                                          SalesTarget.scope_value == region)
    else:
        query = select(SalesTarget).where(*_same_key(target), SalesTarget.scope == "company")
    return session.scalar(query.with_for_update() if for_update else query)


def parts(session, target):
    """{"region": [...], "product_line": [...]} for the company, {"rep": [...]} for a region."""
    if target.scope == "company":
        found = {"region": [], "product_line": []}
        for part in session.scalars(select(SalesTarget).where(
                *_same_key(target), SalesTarget.scope.in_(tuple(found)))):
            found[part.scope].append(part)
        return found
    if target.scope == "region":
        return {"rep": list(session.scalars(select(SalesTarget).where(
            *_same_key(target), SalesTarget.scope == "rep",
            SalesTarget.scope_value.in_(select(UserCopy.id).where(
                UserCopy.region == target.scope_value)))))}
    return {}


def split(amount, by, members):
    total = sum((member.amount for member in members), ZERO)
    return {"by": by, "parts": len(members), "parts_sum": total,
            "unallocated": max(amount - total, ZERO), "parts_exceed_by": max(total - amount, ZERO)}


def splits(session, target):
    return [split(target.amount, by, members) for by, members in parts(session, target).items()]


def parent_excess(session, target):
    """(parent, how far the parent's parts in this target's split exceed it) or (None, 0)."""
    above = parent(session, target)
    if above is None:
        return None, ZERO
    for entry in splits(session, above):
        if entry["by"] == target.scope:
            return above, entry["parts_exceed_by"]
    return above, ZERO
