"""Procurement's own rows, for reporting's reconciliation of the procurement reports (admin /
system only): pages keyed by id, stamped with the event sequence read before the rows (the
chassis's reconcile_page), from which reporting recomputes spend, open commitments, approval
cycle time, scorecards and on-time delivery on procurement's terms
(services/reporting/domains/procurement/reconcile.py).

- suppliers: name, status, the current score and flag (the supplier row), every evaluation (its
  period's end or its order) and whether it is the current one (evaluation/handlers.latest:
  procurement's own rule);
- requests decided (approved or rejected): submitted and decided instants;
- orders past draft (a draft is not published as a status move): status, total, accepted value;
- goods receipts: date, on time, accepted value, and per line the order line's category and
  the accepted value, in the order's currency."""
from sqlalchemy import select

from services.chassis.pagination import reconcile_page
from services.procurement.evaluation.handlers import latest
from services.procurement.evaluation.models import SupplierEvaluation
from services.procurement.orders.models import (GoodsReceipt, GoodsReceiptLine, PurchaseOrder,
                                                PurchaseOrderLine)
from services.procurement.requests import statuses as request_statuses
from services.procurement.requests.models import PurchaseRequest
from services.procurement.suppliers.models import Supplier

DRAFT = "draft"


def _iso(value):
    return None if value is None else value.isoformat()


def _money(value):
    return None if value is None else str(value)


def _suppliers(session, rows):
    ids = [row.id for row in rows]
    history = {}
    for evaluation in session.scalars(select(SupplierEvaluation).where(
            SupplierEvaluation.supplier_id.in_(ids))):
        history.setdefault(evaluation.supplier_id, []).append(evaluation)
    items = []
    for row in rows:
        current = latest(session, row.id) if history.get(row.id) else None
        items.append({
            "supplier_id": row.id, "name": row.name, "status": row.status,
            "score": _money(row.score), "flagged": row.flagged,
            "evaluations": [{"evaluation_id": e.id, "weighted_score": str(e.weighted_score),
                             "threshold": str(e.threshold), "period_end": _iso(e.period_end),
                             "order_id": e.order_id, "current": current is not None and e.id == current.id}
                            for e in history.get(row.id, [])]})
    return items


def supplier_kpis(session, cursor=None, limit=500):
    return reconcile_page(session, select(Supplier), Supplier.id, cursor, limit,
                          "reconcile:procurement_suppliers", _suppliers)


def _requests(_session, rows):
    return [{"request_id": row.id, "outcome": row.status, "submitted_at": _iso(row.submitted_at),
             "decided_at": _iso(row.decided_at)} for row in rows]


def request_kpis(session, cursor=None, limit=500):
    decided = (request_statuses.APPROVED, request_statuses.REJECTED)
    return reconcile_page(session, select(PurchaseRequest).where(
        PurchaseRequest.status.in_(decided)), PurchaseRequest.id, cursor, limit,
        "reconcile:procurement_requests", _requests)


def _orders(_session, rows):
    return [{"order_id": row.id, "supplier_id": row.supplier_id, "currency": row.currency,
             "status": row.status, "total": str(row.total),
             "accepted_value": str(row.accepted_value)} for row in rows]


def order_kpis(session, cursor=None, limit=500):
    return reconcile_page(session, select(PurchaseOrder).where(PurchaseOrder.status != DRAFT),
                          PurchaseOrder.id, cursor, limit, "reconcile:procurement_orders",
                          _orders)


def _receipts(session, rows):
    ids = [row.id for row in rows]
    currency = dict(session.execute(select(PurchaseOrder.id, PurchaseOrder.currency).where(
        PurchaseOrder.id.in_({row.order_id for row in rows}))).all())
    lines = {}
    for line, category in session.execute(
            select(GoodsReceiptLine, PurchaseOrderLine.category).join(
                PurchaseOrderLine, PurchaseOrderLine.id == GoodsReceiptLine.order_line_id)
            .where(GoodsReceiptLine.receipt_id.in_(ids))):
        lines.setdefault(line.receipt_id, []).append({
            "order_line_id": line.order_line_id, "category": category,
            "accepted_value": str(line.accepted_value)})
    return [{"receipt_id": row.id, "order_id": row.order_id, "supplier_id": row.supplier_id,
             "currency": currency.get(row.order_id), "received_on": row.received_on.isoformat(),
             "on_time": row.on_time, "accepted_value": str(row.accepted_value),
             "lines": lines.get(row.id, [])} for row in rows]


def receipt_kpis(session, cursor=None, limit=500):
    return reconcile_page(session, select(GoodsReceipt), GoodsReceipt.id, cursor, limit,
                          "reconcile:procurement_receipts", _receipts)
