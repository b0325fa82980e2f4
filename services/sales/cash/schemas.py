"""RPC inputs and outputs of invoices and payments (re-exported by services/sales/schemas.py,
where the gateway's OpenAPI document finds them as `sales:Invoice`, ...)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.chassis.fields import Boolean, Input, Money, currency, page_cursor, page_limit, text
from services.sales.deals.events import DealLine

INVOICE_STATUSES = ("issued", "partially_paid", "paid", "cancelled")
PAYMENT_METHODS = ("bank_transfer", "card", "cash", "cheque", "direct_debit", "other")
MONEY = {"type": "string", "format": "decimal"}


def _ident():
    return fields.String(allow_none=True, validate=validate.Length(min=1, max=36))


class InvoiceCreate(Input):
    order_id = _ident()
    deal_id = _ident()
    issued_on = fields.Date(allow_none=True, metadata={"description": "default: today (UTC)"})
    due_on = fields.Date(allow_none=True, metadata={
        "description": "default: issued_on + SALES_PAYMENT_TERMS_DAYS (30)"})

    @validates_schema
    def _one_source(self, data, **kwargs):
        if bool(data.get("order_id")) == bool(data.get("deal_id")):
            raise ValidationError("Give exactly one of order_id (an order) or deal_id (a won "
                                  "deal).", "_schema")


class InvoiceCancel(Input):
    reason = text(500, required=True, multiline=True)


class InvoiceQuery(Input):
    status = fields.String(allow_none=True, validate=validate.OneOf(INVOICE_STATUSES))
    customer_id = fields.String(allow_none=True, validate=validate.Length(max=36))
    deal_id = fields.String(allow_none=True, validate=validate.Length(max=36))
    owner_id = fields.String(allow_none=True, validate=validate.Length(max=36))
    overdue = Boolean(allow_none=True, metadata={
        "description": "true: past due with a balance; false: not"})
    cursor = page_cursor()
    limit = page_limit()


class OverdueInvoiceQuery(InvoiceQuery):
    """The overdue list's query: the invoice filters without `overdue` (always true there)."""
    class Meta:
        exclude = ("overdue",)


class PaymentCreate(Input):
    amount = Money(required=True, metadata={
        **MONEY, "pattern": Money.POSITIVE, "minimum": 1,
        "description": "> 0, at most the outstanding balance"})
    currency = fields.String(allow_none=True, validate=currency,
                             metadata={"description": "the invoice's (default)"})
    received_on = fields.Date(allow_none=True, metadata={"description": "default: today (UTC)"})
    method = fields.String(allow_none=True, validate=validate.OneOf(PAYMENT_METHODS))
    reference = text(100, metadata={"description": "the client's reference; the same one twice "
                                                   "on an invoice is refused (409)"})


class Payment(Schema):
    id = fields.String()
    invoice_id = fields.String()
    amount = Money(metadata=MONEY)
    currency = fields.String()
    received_on = fields.Date()
    method = fields.String(allow_none=True)
    reference = fields.String(allow_none=True)
    outstanding_after = Money(metadata=MONEY)
    recorded_by = fields.String()
    recorded_at = fields.AwareDateTime()


class PaymentResult(Payment):
    invoice_status = fields.String(metadata={"description": "partially_paid | paid"})


class Invoice(Schema):
    id = fields.String()
    number = fields.String(metadata={"description": "INV-<year>-<5 digits>, gapless per year"})
    order_id = fields.String(allow_none=True)
    deal_id = fields.String()
    customer_id = fields.String()
    owner_id = fields.String(allow_none=True)
    status = fields.String(metadata={"description": " | ".join(INVOICE_STATUSES)})
    currency = fields.String()
    total = Money(metadata=MONEY)
    paid = Money(metadata=MONEY)
    outstanding = Money(metadata=MONEY)
    issued_on = fields.Date()
    due_on = fields.Date()
    overdue = Boolean(metadata={"description": "past due with a balance (now)"})
    overdue_at = fields.AwareDateTime(allow_none=True,
                                      metadata={"description": "when invoice_overdue was sent"})
    cancelled_at = fields.AwareDateTime(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(DealLine))
    issued_by = fields.String()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class InvoiceDetail(Invoice):
    payments = fields.List(fields.Nested(Payment))
