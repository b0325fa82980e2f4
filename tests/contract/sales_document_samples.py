"""Samples of sales' quote events, as the producer builds them (tests/contract)."""
from datetime import date, datetime, timezone
from decimal import Decimal

QUOTE_EVENTS = ("quote_created", "quote_sent", "quote_accepted", "quote_rejected",
                "quote_expired")
AGREED = {"id", "number", "deal_id", "customer_id", "owner_id", "status", "total", "currency",
          "valid_until", "lines", "created_at", "sent_at", "decided_at", "changed_by",
          "changed_at"}
AT = datetime(2026, 3, 14, 9, 30, tzinfo=timezone.utc)
SAMPLE = {"id": "q1", "number": "Q-2026-00042", "deal_id": "d1", "customer_id": "c1",
          "owner_id": "u1", "status": "sent", "total": Decimal("0.30"), "currency": "USD",
          "valid_until": date(2026, 4, 13),
          "lines": [{"position": 1, "product_id": "p1", "product_name": "GTX Pro", "quantity": 3,
                     "unit_price": Decimal("0.10"), "discount_percent": Decimal("0.00"),
                     "total": Decimal("0.30")}],
          "created_at": AT, "sent_at": AT, "decided_at": None, "changed_by": "u1",
          "changed_at": AT}
DOCUMENT_SAMPLES = {name: {**SAMPLE, "status": name.split("_")[1]} for name in QUOTE_EVENTS}

CONTRACT = {"id": "k1", "number": "C-2026-00001", "deal_id": "d1", "quote_id": "q1",
            "customer_id": "c1", "owner_id": "u1", "value": Decimal("0.30"), "currency": "USD",
            "starts_on": date(2026, 1, 15), "ends_on": date(2027, 1, 14),
            "renewal_notice_days": 30}
DOCUMENT_SAMPLES.update({
    "contract_signed": {**CONTRACT, "signed_at": AT, "signed_by": "u1"},
    "contract_renewal_due": {**{name: CONTRACT[name] for name in (
        "id", "number", "deal_id", "customer_id", "owner_id", "ends_on", "value", "currency")},
        "detected_at": AT},
    "order_placed": {"id": "o1", "number": "O-2026-00001", "deal_id": "d1", "contract_id": "k1",
                     "quote_id": "q1", "customer_id": "c1", "owner_id": "u1",
                     "total": Decimal("0.30"), "currency": "USD", "lines": SAMPLE["lines"],
                     "placed_at": AT, "placed_by": "u1"},
})
AGREED_OTHERS = {
    "contract_signed": {"id", "number", "deal_id", "quote_id", "customer_id", "owner_id", "value",
                        "currency", "starts_on", "ends_on", "renewal_notice_days", "signed_at",
                        "signed_by"},
    "contract_renewal_due": {"id", "number", "customer_id", "owner_id", "ends_on", "value",
                             "currency", "detected_at"},
    "order_placed": {"id", "number", "deal_id", "contract_id", "quote_id", "customer_id",
                     "owner_id", "total", "currency", "lines", "placed_at", "placed_by"},
}
