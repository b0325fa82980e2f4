"""sales' events as reporting reads them (tolerant copies: services/reporting/tolerant.py)."""
from marshmallow import fields

from services.reporting.tolerant import Tolerant

DEAL_RECORD_EVENTS = ("deal_created", "deal_updated", "deal_won", "deal_lost")
INVOICE_EVENTS = ("invoice_issued", "payment_received", "invoice_overdue", "invoice_cancelled")
TARGET_EVENTS = ("target_set", "target_removed")
PRODUCT_EVENTS = ("product_created", "product_updated")


class DealLine(Tolerant):
    """A line of a deal (or invoice): what the product cuts read."""
    position = fields.Integer(required=True)
    product_id = fields.String(required=True)
    product_name = fields.String(allow_none=True)
    quantity = fields.Integer(load_default=0)
    total = fields.Decimal(required=True)


class DealRecord(Tolerant):
    """deal_created / deal_updated / deal_won / deal_lost: the whole deal (sales' DealRecord).
    `amount` is sales' exact money string; the projection turns it into integer cents."""
    id = fields.String(required=True)
    customer_id = fields.String(required=True, allow_none=True)   # None: an imported open deal
    owner_id = fields.String(allow_none=True)
    stage = fields.String(required=True)
    probability = fields.Integer(required=True)
    amount = fields.Decimal(required=True)
    currency = fields.String(required=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    expected_close_date = fields.Date(allow_none=True, load_default=None)
    lines = fields.List(fields.Nested(DealLine), load_default=None)


class DealStageChanged(Tolerant):
    deal_id = fields.String(required=True)
    from_stage = fields.String(allow_none=True)
    to_stage = fields.String(required=True)
    probability = fields.Integer(required=True)
    amount = fields.Decimal(required=True)
    currency = fields.String(required=True)
    owner_id = fields.String(allow_none=True)
    changed_at = fields.AwareDateTime(required=True)


class PipelineStageUpdated(Tolerant):
    """An admin changed a stage (the whole stage after the change)."""
    key = fields.String(required=True)
    name = fields.String(allow_none=True)
    probability = fields.Integer(required=True)
    position = fields.Integer(allow_none=True)
    kind = fields.String(allow_none=True)
    active = fields.Boolean(allow_none=True)


class InvoiceIssued(Tolerant):
    id = fields.String(required=True)
    number = fields.String(allow_none=True)
    deal_id = fields.String(allow_none=True)
    customer_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    total = fields.Decimal(required=True)
    currency = fields.String(required=True)
    issued_on = fields.Date(required=True)
    due_on = fields.Date(required=True)


class PaymentReceived(Tolerant):
    id = fields.String(required=True)
    invoice_id = fields.String(required=True)
    deal_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    amount = fields.Decimal(required=True)
    currency = fields.String(required=True)
    received_on = fields.Date(required=True)


class InvoiceOverdue(Tolerant):
    id = fields.String(required=True)
    detected_at = fields.AwareDateTime(required=True)


class InvoiceCancelled(Tolerant):
    id = fields.String(required=True)


class TargetSet(Tolerant):
    id = fields.String(required=True)
    period_kind = fields.String(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    scope = fields.String(required=True)
    scope_value = fields.String(allow_none=True)
    measure = fields.String(required=True)
    amount = fields.Decimal(required=True)
    currency = fields.String(required=True)
    parent_id = fields.String(allow_none=True)


class TargetRemoved(Tolerant):
    id = fields.String(required=True)


class ProductRecord(Tolerant):
    """product_created / product_updated: what product-line targets read (the series)."""
    id = fields.String(required=True)
    name = fields.String(allow_none=True)
    series = fields.String(allow_none=True)
