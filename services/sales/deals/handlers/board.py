"""The pipeline board: the caller's deals grouped by stage, with counts, sums and weighted
sums per currency (amounts in different currencies are never added together).

The weighted sum is the sum of the deals' own weighted amounts (each amount × the stage's
current probability, half-up to the cent — what get_deal shows), not the rounded product of the
summed amount: a sum of per-deal figures is what any grouping of the same deals adds up to, so
reporting's funnel (grouped by stage, owner, status or creation period) agrees to the cent."""
from decimal import Decimal

from sqlalchemy import BigInteger, func, select, type_coerce

from services.chassis.validation import load, shared
from services.sales import scopes
from services.sales.deals import schemas
from services.sales.deals.handlers import pipeline, selection
from services.sales.deals.models import Deal, PipelineStage

CENT = Decimal("0.01")


def _total(currency, count, amount, weighted):
    return {"currency": currency, "count": count, "amount": amount, "weighted_amount": weighted}


def weighted_cents(cents, probability):
    """A deal's weighted amount in integer cents, in SQL: round-half-up(cents × p / 100) as
    (cents div 100) × p + ((cents mod 100) × p + 50) div 100 — the same number for cents ≥ 0,
    and no intermediate above cents × 1 (cents × 100 could pass BIGINT near the money limit)."""
    return (cents // 100) * probability + ((cents % 100) * probability + 50) // 100


def pipeline_board(session, principal, query=None):
    filters = load(schemas.BoardQuery, query or {})
    cents = type_coerce(Deal.amount, BigInteger)
    statement = (select(Deal.stage, Deal.currency, func.count(), func.sum(cents),
                        func.sum(weighted_cents(cents, PipelineStage.probability)))
                 .join(PipelineStage, PipelineStage.key == Deal.stage)
                 .where(scopes.condition(session, principal, Deal.owner_id))
                 .group_by(Deal.stage, Deal.currency))
    statement = selection.narrowed(statement, filters)
    sums = {}
    for stage_key, currency, count, amount, weighted in session.execute(statement):
        # Summed as the stored integer cents (exact), then back to decimal amounts.
        sums.setdefault(stage_key, []).append((currency, count, Decimal(amount or 0) / 100,
                                               Decimal(weighted or 0) / 100))
    columns, open_totals = [], {}
    for stage in pipeline.stages(session):
        rows = sorted(sums.get(stage.key, []))
        if not stage.active and not rows:
            continue                   # a retired stage shows only while deals remain in it
        totals = [_total(cur, count, amount.quantize(CENT), weighted.quantize(CENT))
                  for cur, count, amount, weighted in rows]
        columns.append({**shared(schemas.Stage).dump(stage), "count": sum(t["count"] for t in totals),
                        "totals": totals})
        if stage.kind == "open":
            for t in totals:
                acc = open_totals.setdefault(t["currency"], [0, Decimal("0.00"), Decimal("0.00")])
                acc[0] += t["count"]
                acc[1] += t["amount"]
                acc[2] += t["weighted_amount"]
    totals = [{"currency": cur, "count": c, "amount": a, "weighted_amount": w}
              for cur, (c, a, w) in sorted(open_totals.items())]
    return shared(schemas.Board).dump({"stages": columns, "totals": totals})
