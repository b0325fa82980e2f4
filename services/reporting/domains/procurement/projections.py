"""The procurement projections: `procurement_suppliers` (the supplier book's names and statuses
and every evaluation — scorecards), `procurement_approvals` (submitted requests and their
decisions — approval cycle time), `procurement_orders` (orders' status and value, receipts and
their lines — spend, open commitments, on-time delivery).

Every handler is order-independent and idempotent (the live handler and the catch-up race,
rebuilds replay): a row is made by whichever of its events arrives first, and each group of its
columns keeps the producer sequence it was set from, so an older event never overwrites a newer
one. Receipts and evaluations are facts told once: the same values again on a repeat.
"""
from services.reporting import rollups
from services.reporting.domains.procurement import consumes
from services.reporting.domains.procurement.models import (ApprovalFact, EvaluationFact,
                                                           OrderFact, ReceiptFact,
                                                           ReceiptLineFact, SupplierFact)
from services.reporting.plugin import Projection
from services.reporting.tolerant import load

UNCATEGORISED = "uncategorised"      # spend of order lines without a category


def _supplier(session, supplier_id):
    return rollups.locked_row(session, SupplierFact, {"id": supplier_id}, flagged=False,
                              record_sequence=0, status_sequence=0, score_sequence=0)


def _status(fact, status, sequence):
    if sequence > fact.status_sequence:
        fact.status, fact.status_sequence = status, sequence


def apply_supplier_record(session, envelope):
    data, sequence = load(consumes.SupplierRecord, envelope), envelope["sequence"]
    fact = _supplier(session, data["id"])
    if sequence > fact.record_sequence:
        fact.name, fact.record_sequence = data["name"], sequence
    _status(fact, data["status"], sequence)


def apply_supplier_status(session, envelope):
    data = load(consumes.SupplierStatusChanged, envelope)
    _status(_supplier(session, data["supplier_id"]), data["to_status"], envelope["sequence"])


def _set(row, values):
    for name, value in values.items():
        setattr(row, name, value)


def apply_evaluated(session, envelope):
    """Every evaluation joins the history; one that says `current` becomes the supplier's score
    (procurement's own rule — the latest period end or order's last receipt — decided it),
    flagged when under its threshold: an evaluation of an older period entered later does
    not. A per-order evaluation has no period and its order_id."""
    data, sequence = load(consumes.SupplierEvaluated, envelope), envelope["sequence"]
    values = {name: data[name] for name in ("supplier_id", "period_start", "period_end",
                                            "order_id", "weighted_score", "threshold",
                                            "evaluated_at")}
    _set(rollups.locked_row(session, EvaluationFact, {"id": data["evaluation_id"]}, **values),
         values)
    fact = _supplier(session, data["supplier_id"])
    if data["current"] and sequence > fact.score_sequence:
        fact.evaluation_id, fact.score = data["evaluation_id"], data["weighted_score"]
        fact.flagged = data["weighted_score"] < data["threshold"]
        fact.score_sequence = sequence


SUPPLIERS = Projection("procurement_suppliers", {
    "procurement": {
        **{name: apply_supplier_record for name in consumes.SUPPLIER_RECORD_EVENTS},
        "supplier_status_changed": apply_supplier_status,
        "supplier_evaluated": apply_evaluated,
    },
}, (SupplierFact, EvaluationFact))


def _request(session, request_id):
    return rollups.locked_row(session, ApprovalFact, {"request_id": request_id})


def apply_submitted(session, envelope):
    data = load(consumes.RequestSubmitted, envelope)
    _request(session, data["request_id"]).submitted_at = data["submitted_at"]


def apply_approved(session, envelope):
    data = load(consumes.RequestApproved, envelope)
    _set(_request(session, data["request_id"]), {
        "submitted_at": data["submitted_at"], "outcome": "approved",
        "decided_at": data["approved_at"]})


def apply_rejected(session, envelope):
    """A rejection is final; its submission instant comes from purchase_request_submitted."""
    data = load(consumes.RequestRejected, envelope)
    _set(_request(session, data["request_id"]), {"outcome": "rejected",
                                                 "decided_at": data["decided_at"]})


APPROVALS = Projection("procurement_approvals", {
    "procurement": {
        "purchase_request_submitted": apply_submitted,
        "purchase_request_approved": apply_approved,
        "purchase_request_rejected": apply_rejected,
    },
}, (ApprovalFact,))


def apply_order_status(session, envelope):
    data, sequence = load(consumes.OrderStatusChanged, envelope), envelope["sequence"]
    values = {"supplier_id": data["supplier_id"], "currency": data["currency"],
              "total": data["total"], "accepted_value": data["accepted_value"],
              "status": data["to_status"]}
    fact = rollups.locked_row(session, OrderFact, {"id": data["order_id"]}, status_sequence=0,
                              **values)
    if sequence > fact.status_sequence:
        _set(fact, values)
        fact.status_sequence = sequence


def apply_goods_received(session, envelope):
    data = load(consumes.GoodsReceived, envelope)
    values = {name: data[name] for name in ("order_id", "supplier_id", "currency", "received_on",
                                            "on_time", "accepted_value")}
    _set(rollups.locked_row(session, ReceiptFact, {"id": data["receipt_id"]}, **values), values)
    for line in data["lines"]:
        values = {"supplier_id": data["supplier_id"], "currency": data["currency"],
                  "received_on": data["received_on"], "accepted_value": line["accepted_value"],
                  "category": line["category"] or UNCATEGORISED}
        _set(rollups.locked_row(session, ReceiptLineFact, {
            "receipt_id": data["receipt_id"], "order_line_id": line["order_line_id"]},
            **values), values)


ORDERS = Projection("procurement_orders", {
    "procurement": {
        "purchase_order_status_changed": apply_order_status,
        "goods_received": apply_goods_received,
    },
}, (OrderFact, ReceiptFact, ReceiptLineFact))
