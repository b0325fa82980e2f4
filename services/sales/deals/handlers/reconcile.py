"""This service's own deal data, for reporting's reconciliation (admin / system only), in pages
keyed by deal id and stamped with the event sequence (the chassis's reconcile_page):

- deal_facts: the facts every sales KPI is computed from — stage and its kind, current
  probability, owner, amount, currency, created and closed times;
- deal_history: each deal's lines (with their product's CURRENT series: product-line target
  attainment) and stage changes (product cuts, stage conversion, time in stage).
"""
from sqlalchemy import select

from services.chassis.pagination import reconcile_page
from services.sales.deals.models import Deal, DealLine, DealStageChange, PipelineStage
from services.sales.products.models import Product

SCOPE = "reconcile:deals"
HISTORY_SCOPE = "reconcile:deal-history"


def _facts(session, rows):
    return [{"id": row.id, "owner_id": row.owner_id, "stage": row.stage, "status": row.kind,
             "probability": row.probability, "amount": str(row.amount),
             "currency": row.currency, "created_at": row.created_at.isoformat(),
             "closed_at": row.closed_at.isoformat() if row.closed_at else None}
            for row in rows]


def deal_facts(session, cursor=None, limit=500):
    query = (select(Deal.id, Deal.owner_id, Deal.stage, PipelineStage.kind,
                    PipelineStage.probability, Deal.amount, Deal.currency, Deal.created_at,
                    Deal.closed_at)
             .join(PipelineStage, PipelineStage.key == Deal.stage))
    return reconcile_page(session, query, Deal.id, cursor, limit, SCOPE, _facts)


def _history(session, rows):
    ids = [row.id for row in rows]
    items = {deal_id: {"id": deal_id, "lines": [], "stages": []} for deal_id in ids}
    if ids:
        for line, series in session.execute(
                select(DealLine, Product.series).join(Product, Product.id == DealLine.product_id)
                .where(DealLine.deal_id.in_(ids)).order_by(DealLine.deal_id, DealLine.position)):
            items[line.deal_id]["lines"].append({
                "position": line.position, "product_id": line.product_id,
                "product_name": line.product_name, "series": series, "total": str(line.total)})
        for change in session.scalars(select(DealStageChange)
                                      .where(DealStageChange.deal_id.in_(ids))
                                      .order_by(DealStageChange.deal_id, DealStageChange.id)):
            items[change.deal_id]["stages"].append({
                "from_stage": change.from_stage, "to_stage": change.to_stage,
                "changed_at": change.changed_at.isoformat()})
    return [items[deal_id] for deal_id in ids]


def deal_history(session, cursor=None, limit=500):
    return reconcile_page(session, select(Deal.id), Deal.id, cursor, limit, HISTORY_SCOPE,
                          _history)
