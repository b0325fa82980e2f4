"""Events as customers and sales publish them (dumped through their own schemas), a real
marketing database over in-memory SQLite, and the service's subscriptions."""
import uuid
from datetime import datetime, timedelta, timezone

from services.chassis import inbox
from services.customers.events import EVENT_SCHEMAS as CUSTOMERS
from services.marketing.models import Base
from services.marketing.service import MarketingService
from services.sales.events import EVENT_SCHEMAS as SALES
from tests.unit.chassis.fakes import make_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)          # a fixed clock
PRODUCERS = {"customers": CUSTOMERS, "sales": SALES}


def marketing_db(engine):
    from services.marketing.events import EVENT_SCHEMAS
    return make_db(engine, Base.metadata, source="marketing", event_schemas=EVENT_SCHEMAS)


class Log:
    """One producer's event log: envelopes with gapless sequences, a minute apart."""

    def __init__(self, source):
        self.source, self.events = source, []

    def emit(self, event_type, payload):
        sequence = len(self.events) + 1
        envelope = {"event_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.source}/{sequence}")),
                    "event_type": event_type, "version": 1,
                    "occurred_at": (T0 + timedelta(minutes=sequence)).isoformat(),
                    "source": self.source, "sequence": sequence, "actor": "u-rep1",
                    "payload": PRODUCERS[self.source][event_type].dump(payload)}
        self.events.append(envelope)
        return envelope


def evaluate_segments(db, size=2):
    """Run the segment backfills (the timer's work) to the end, in chunks of `size` contacts;
    the number of contacts evaluated."""
    from services.marketing.segments import backfill
    return backfill.run(db, size)


def apply(db, *envelopes):
    return [inbox.consume(db, MarketingService.subscriptions, e) for e in envelopes]


def customer(**changes):
    record = {"id": "c-1", "kind": "company", "name": "Acme", "industry": "education",
              "size": 50, "annual_revenue": None, "currency": None, "region": "north",
              "address": None, "phone": None, "email": "info@acme.example", "website": None,
              "source": None, "lifecycle_stage": "customer", "value_class": "A",
              "owner_id": "u-rep1", "parent_id": None, "created_by": "u-rep1",
              "created_at": T0, "updated_at": T0}
    return {**record, **changes}


def updated(changed, **changes):
    return {**customer(**changes), "changed": changed}


def contact(**changes):
    return {"id": "ct-1", "customer_id": "c-1", "name": "Ada Lovelace", "role": "CTO",
            "birthday": None, "owner_id": "u-rep1", "created_at": T0, **changes}


def line(product_id, total="500.00"):
    return {"position": 1, "product_id": product_id, "product_name": product_id, "quantity": 1,
            "unit_price": total, "discount_percent": "0", "total": total}


def deal(**changes):
    record = {"id": "d-1", "name": "Roll-out", "customer_id": "c-1", "lead_id": None,
              "owner_id": "u-rep1", "stage": "won", "probability": 100, "amount": "1000.00",
              "currency": "EUR", "expected_close_date": None, "lost_reason": None,
              "closed_at": T0 + timedelta(days=1), "lines": [line("p-1", "1000.00")],
              "created_by": "u-rep1", "created_at": T0, "updated_at": T0 + timedelta(days=1),
              "changed_by": "u-rep1"}
    return {**record, **changes}


def order(**changes):
    record = {"id": "o-1", "number": "O-2026-00001", "deal_id": "d-1", "contract_id": None,
              "quote_id": None, "customer_id": "c-1", "owner_id": "u-rep1", "total": "1000.00",
              "currency": "EUR", "lines": [line("p-2")], "placed_at": T0 + timedelta(days=2),
              "placed_by": "u-rep1"}
    return {**record, **changes}
