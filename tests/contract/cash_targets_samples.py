"""The cash and target events as /work/notes/events-contract.md agreed them (the producers'
payloads, Python values): reporting's copies are checked against these, and against sales'
own schemas once sales publishes the event."""
from datetime import date, datetime, timezone
from decimal import Decimal

from services.reporting.domains.sales import consumes

WHEN = datetime(2026, 3, 14, 23, 30, tzinfo=timezone.utc)
LINE = {"position": 1, "product_id": "p-1", "product_name": "GTX Pro", "quantity": 3,
        "unit_price": Decimal("10.00"), "discount_percent": Decimal("0.00"),
        "total": Decimal("30.00")}
TARGET = {"id": "t-1", "period_kind": "quarter", "period_start": date(2026, 1, 1),
          "period_end": date(2026, 3, 31), "scope": "rep", "scope_value": "u-1",
          "measure": "won_revenue", "amount": Decimal("150000.50"), "currency": "USD",
          "parent_id": "t-0", "set_by": "u-admin", "set_at": WHEN}
PRODUCT = {"id": "p-1", "name": "GTX Pro", "series": "GTX", "list_price": Decimal("4821.00"),
           "currency": "USD", "active": True, "created_at": WHEN, "updated_at": WHEN}

CASH_AND_TARGETS = {
    "invoice_issued": (consumes.InvoiceIssued, {
        "id": "i-1", "number": "INV-2026-00001", "order_id": None, "deal_id": "d-1",
        "customer_id": "c-1", "owner_id": "u-1", "total": Decimal("1234.56"), "currency": "USD",
        "issued_on": date(2026, 3, 1), "due_on": date(2026, 3, 31), "lines": [LINE],
        "issued_at": WHEN, "issued_by": "u-1"}),
    "payment_received": (consumes.PaymentReceived, {
        "id": "pay-1", "invoice_id": "i-1", "invoice_number": "INV-2026-00001",
        "deal_id": "d-1", "customer_id": "c-1", "owner_id": "u-1", "amount": Decimal("234.56"),
        "currency": "USD", "received_on": date(2026, 3, 10), "method": "wire",
        "reference": "r", "recorded_at": WHEN, "recorded_by": "u-1",
        "outstanding_after": Decimal("1000.00"), "invoice_status": "partially_paid"}),
    "invoice_overdue": (consumes.InvoiceOverdue, {
        "id": "i-1", "number": "INV-2026-00001", "deal_id": "d-1", "customer_id": "c-1",
        "owner_id": "u-1", "outstanding": Decimal("1000.00"), "currency": "USD",
        "due_on": date(2026, 3, 31), "detected_at": WHEN}),
    "invoice_cancelled": (consumes.InvoiceCancelled, {
        "id": "i-1", "number": "INV-2026-00001", "deal_id": "d-1", "customer_id": "c-1",
        "owner_id": "u-1", "total": Decimal("1234.56"), "currency": "USD",
        "cancelled_at": WHEN, "cancelled_by": "u-1", "reason": "duplicate"}),
    "target_set": (consumes.TargetSet, TARGET),
    "target_removed": (consumes.TargetRemoved, {"id": "t-1", "removed_by": "u-admin",
                                                "removed_at": WHEN}),
    # configuration: a product's series decides its product-line targets
    "product_created": (consumes.ProductRecord, PRODUCT),
    "product_updated": (consumes.ProductRecord, {**PRODUCT, "series": "MG",
                                                 "changed": ["series"]}),
}


def contract_wire(value):
    """A payload as the contract writes it on the wire: money strings with two decimals, ISO
    dates and times."""
    if isinstance(value, dict):
        return {key: contract_wire(item) for key, item in value.items()}
    if isinstance(value, list):
        return [contract_wire(item) for item in value]
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value
