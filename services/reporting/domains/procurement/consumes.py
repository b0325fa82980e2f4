"""Procurement's events as reporting reads them (tolerant copies: services/reporting/tolerant.py;
the producer's schemas are services/procurement/*/events.py, docs/contracts.md#procurement).
Only what the procurement reports read is declared."""
from marshmallow import fields

from services.reporting.tolerant import Tolerant

SUPPLIER_RECORD_EVENTS = ("supplier_created", "supplier_updated")
MONEY = {"required": True, "as_string": True}


class SupplierRecord(Tolerant):
    id = fields.String(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True)


class SupplierStatusChanged(Tolerant):
    supplier_id = fields.String(required=True)
    to_status = fields.String(required=True)


class SupplierEvaluated(Tolerant):
    evaluation_id = fields.String(required=True)
    supplier_id = fields.String(required=True)
    period_start = fields.Date(allow_none=True, load_default=None)
    period_end = fields.Date(allow_none=True, load_default=None)
    order_id = fields.String(allow_none=True, load_default=None)
    weighted_score = fields.Decimal(**MONEY)
    threshold = fields.Decimal(**MONEY)
    current = fields.Boolean(required=True)       # it is now the supplier's score
    evaluated_at = fields.AwareDateTime(required=True)


class RequestSubmitted(Tolerant):
    request_id = fields.String(required=True)
    submitted_at = fields.AwareDateTime(required=True)


class RequestApproved(Tolerant):
    request_id = fields.String(required=True)
    submitted_at = fields.AwareDateTime(required=True)
    approved_at = fields.AwareDateTime(required=True)


class RequestRejected(Tolerant):
    """purchase_request_rejected: the step that rejected (the submission is told apart)."""
    request_id = fields.String(required=True)
    decided_at = fields.AwareDateTime(required=True)


class OrderStatusChanged(Tolerant):
    order_id = fields.String(required=True)
    supplier_id = fields.String(required=True)
    currency = fields.String(required=True)
    total = fields.Decimal(**MONEY)
    accepted_value = fields.Decimal(**MONEY)      # accepted so far
    to_status = fields.String(required=True)


class ReceiptLine(Tolerant):
    order_line_id = fields.String(required=True)
    category = fields.String(allow_none=True, load_default=None)
    accepted_value = fields.Decimal(**MONEY)


class GoodsReceived(Tolerant):
    receipt_id = fields.String(required=True)
    order_id = fields.String(required=True)
    supplier_id = fields.String(required=True)
    currency = fields.String(required=True)
    received_on = fields.Date(required=True)
    on_time = fields.Boolean(required=True)
    accepted_value = fields.Decimal(**MONEY)      # this receipt's
    lines = fields.List(fields.Nested(ReceiptLine), required=True)
