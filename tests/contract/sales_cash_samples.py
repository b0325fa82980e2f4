"""Sample payloads of sales' invoice and payment events (as services/sales/cash/events.py
declares them), shared by the producer's contract test and any consumer's."""
from datetime import date, datetime, timezone
from decimal import Decimal

WHEN = datetime(2026, 3, 14, 9, 30, tzinfo=timezone.utc)
LINE = {"position": 1, "product_id": "p-1", "product_name": "GTX Pro", "quantity": 3,
        "unit_price": Decimal("0.10"), "discount_percent": Decimal("0.00"),
        "total": Decimal("0.30")}
PARTIES = {"id": "i-1", "number": "INV-2026-00001", "deal_id": "d-1", "customer_id": "c-1",
           "owner_id": "u-1", "currency": "USD"}
CASH_SAMPLES = {
    "invoice_issued": {**PARTIES, "order_id": None, "status": "issued",
                       "total": Decimal("0.30"), "issued_on": date(2026, 3, 14),
                       "due_on": date(2026, 4, 13), "lines": [LINE], "issued_at": WHEN,
                       "issued_by": "u-1"},
    "payment_received": {"id": "p-1", "invoice_id": "i-1", "invoice_number": "INV-2026-00001",
                         "deal_id": "d-1", "customer_id": "c-1", "owner_id": "u-1",
                         "amount": Decimal("0.10"), "currency": "USD",
                         "received_on": date(2026, 3, 20), "method": "bank_transfer",
                         "reference": "BANK-42", "recorded_at": WHEN, "recorded_by": "u-1",
                         "outstanding_after": Decimal("0.20"),
                         "invoice_status": "partially_paid"},
    "invoice_overdue": {**PARTIES, "total": Decimal("0.30"), "outstanding": Decimal("0.20"),
                        "due_on": date(2026, 4, 13), "detected_at": WHEN},
    "invoice_cancelled": {**PARTIES, "total": Decimal("0.30"), "cancelled_at": WHEN,
                          "cancelled_by": "u-1", "reason": "Issued twice"},
}
# The agreed fields (events contract): a producer may add, never drop or rename.
AGREED = {
    "invoice_issued": {"id", "number", "order_id", "deal_id", "customer_id", "owner_id", "total",
                       "currency", "issued_on", "due_on", "lines", "issued_at", "issued_by"},
    "payment_received": {"id", "invoice_id", "invoice_number", "deal_id", "customer_id",
                         "owner_id", "amount", "currency", "received_on", "method", "reference",
                         "recorded_at", "recorded_by", "outstanding_after", "invoice_status"},
    "invoice_overdue": {"id", "number", "deal_id", "customer_id", "owner_id", "outstanding",
                        "currency", "due_on", "detected_at"},
    "invoice_cancelled": {"id", "number", "deal_id", "customer_id", "owner_id", "total",
                          "currency", "cancelled_at", "cancelled_by", "reason"},
}
