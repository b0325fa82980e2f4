"""Events as the producers publish them (dumped through their own schemas), a real audit
database over in-memory SQLite, and readers of its trail."""
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from services.audit import catalog
from services.audit.models import AuditEntry, Base
from services.chassis.inbox import Subscriptions
from tests.unit.chassis.fakes import make_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)          # a fixed clock
SUBSCRIPTIONS = Subscriptions(catalog.handlers())


def audit_db(engine):
    return make_db(engine, Base.metadata, source="audit")


class Log:
    """One producer's event log: envelopes with gapless sequences, a minute apart."""

    def __init__(self, source):
        self.source, self.events = source, []

    def emit(self, event_type, payload, actor="u-rep1"):
        schema = catalog.PRODUCERS[self.source][event_type]
        sequence = len(self.events) + 1
        envelope = {"event_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.source}/{sequence}")),
                    "event_type": event_type, "version": 1,
                    "occurred_at": (T0 + timedelta(minutes=sequence)).isoformat(),
                    "source": self.source, "sequence": sequence, "actor": actor,
                    "payload": schema.dump(payload)}
        self.events.append(envelope)
        return envelope

    def fetch(self, position, limit):
        return [e for e in self.events if e["sequence"] > position][:limit]


def customer(**changes):
    record = {"id": "c-1", "kind": "company", "name": "Acme", "industry": "retail", "size": 50,
              "annual_revenue": None, "currency": None, "region": "north", "address": None,
              "phone": None, "email": "info@acme.example", "website": None, "source": None,
              "lifecycle_stage": "lead", "value_class": None, "owner_id": "u-rep1",
              "parent_id": None, "created_by": "u-rep1", "created_at": T0, "updated_at": T0}
    return {**record, **changes}


def deal(**changes):
    record = {"id": "d-1", "name": "Acme roll-out", "customer_id": "c-1", "lead_id": None,
              "owner_id": "u-rep1", "stage": "initial_contact", "probability": 10,
              "amount": "1000.00", "currency": "EUR", "expected_close_date": None,
              "lost_reason": None, "closed_at": None, "lines": [], "created_by": "u-rep1",
              "created_at": T0, "updated_at": T0}
    return {**record, **changes}


def user(**changes):
    record = {"id": "u-rep1", "email": "rep1@example.com", "name": "Rita Rep", "role": "sales_rep",
              "team_id": "t-1", "region": "north", "manager_id": None, "active": True,
              "created_at": T0, "updated_at": T0}
    return {**record, **changes}


def entries(db, **where):
    """(record_type, record_id, action, field, old_value, new_value, actor_id) of the trail, in
    event order."""
    with db.read_only() as session:
        rows = session.scalars(select(AuditEntry).where(
            *(getattr(AuditEntry, key) == value for key, value in where.items()))
            .order_by(AuditEntry.source, AuditEntry.sequence, AuditEntry.field))
        return [(r.record_type, r.record_id, r.action, r.field, r.old_value, r.new_value,
                 r.actor_id) for r in rows]
