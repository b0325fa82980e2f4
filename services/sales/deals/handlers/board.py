"""The pipeline board: the caller's deals grouped by stage, with counts, sums and weighted
sums per currency (amounts in different currencies are never added together)."""
from decimal import Decimal

from sqlalchemy import BigInteger, func, select, type_coerce

from services.chassis.validation import load
from services.sales import scopes
from services.sales.deals import schemas
from services.sales.deals.handlers import lines, pipeline
from services.sales.deals.models import Deal

CENT = Decimal("0.01")


def _total(currency, count, amount, probability):
    return {"currency": currency, "count": count, "amount": amount,
            "weighted_amount": lines.weighted(amount, probability)}


def pipeline_board(session, principal, query=None):
    filters = load(schemas.BoardQuery(), query or {})
    statement = (select(Deal.stage, Deal.currency, func.count(),
                        func.sum(type_coerce(Deal.amount, BigInteger)))
                 .where(scopes.condition(session, principal, Deal.owner_id))
                 .group_by(Deal.stage, Deal.currency))
    if filters.get("owner_id") is not None:
        statement = statement.where(Deal.owner_id == filters["owner_id"])
    sums = {}
    for stage_key, currency, count, amount in session.execute(statement):
        # Summed as the stored integer cents (exact), then back to a decimal amount.
        sums.setdefault(stage_key, []).append((currency, count, Decimal(amount or 0) / 100))
    columns, open_totals = [], {}
    for stage in pipeline.stages(session):
        rows = sorted(sums.get(stage.key, []))
        if not stage.active and not rows:
            continue                   # a retired stage shows only while deals remain in it
        totals = [_total(cur, count, amount.quantize(CENT), stage.probability)
                  for cur, count, amount in rows]
        columns.append({**schemas.Stage().dump(stage), "count": sum(t["count"] for t in totals),
                        "totals": totals})
        if stage.kind == "open":
            for t in totals:
                acc = open_totals.setdefault(t["currency"], [0, Decimal("0.00"), Decimal("0.00")])
                acc[0] += t["count"]
                acc[1] += t["amount"]
                acc[2] += t["weighted_amount"]
    totals = [{"currency": cur, "count": c, "amount": a, "weighted_amount": w}
              for cur, (c, a, w) in sorted(open_totals.items())]
    return schemas.Board().dump({"stages": columns, "totals": totals})
