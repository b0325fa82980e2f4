"""The events of invoices and payments (their contract: docs/contracts.md).

Business dates (`issued_on`, `due_on`, `received_on`) are the facts reports use, never the
envelope's time. Money is a string with its currency.
"""
from marshmallow import Schema, fields

from services.chassis.fields import Money
from services.sales.deals.events import DealLine


class InvoiceParties(Schema):
    id = fields.String(required=True)
    number = fields.String(required=True)
    deal_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    owner_id = fields.String(allow_none=True)
    currency = fields.String(required=True)


class InvoiceIssued(InvoiceParties):
    order_id = fields.String(allow_none=True)
    status = fields.String(required=True)
    total = Money(required=True)
    issued_on = fields.Date(required=True)
    due_on = fields.Date(required=True)
    lines = fields.List(fields.Nested(DealLine), required=True)
    issued_at = fields.AwareDateTime(required=True)
    issued_by = fields.String(required=True)


class PaymentReceived(Schema):
    id = fields.String(required=True)
    invoice_id = fields.String(required=True)
    invoice_number = fields.String(required=True)
    deal_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    owner_id = fields.String(allow_none=True)
    amount = Money(required=True)
    currency = fields.String(required=True)
    received_on = fields.Date(required=True)
    method = fields.String(allow_none=True)
    reference = fields.String(allow_none=True)
    recorded_at = fields.AwareDateTime(required=True)
    recorded_by = fields.String(required=True)
    outstanding_after = Money(required=True)
    invoice_status = fields.String(required=True)          # partially_paid | paid


class InvoiceOverdue(InvoiceParties):
    """Once per invoice, when the timer first finds it past due with a balance."""
    total = Money(required=True)
    outstanding = Money(required=True)
    due_on = fields.Date(required=True)
    detected_at = fields.AwareDateTime(required=True)


class InvoiceCancelled(InvoiceParties):
    total = Money(required=True)
    cancelled_at = fields.AwareDateTime(required=True)
    cancelled_by = fields.String(required=True)
    reason = fields.String(required=True)


EVENT_SCHEMAS = {
    "invoice_issued": InvoiceIssued(),
    "payment_received": PaymentReceived(),
    "invoice_overdue": InvoiceOverdue(),
    "invoice_cancelled": InvoiceCancelled(),
}
