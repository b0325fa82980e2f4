"""A fake producer log (envelopes exactly as the outbox serves them) and readers of the rollups."""
import uuid
from datetime import datetime, timezone

from sqlalchemy import select

from services.reporting import inbox
from services.reporting.domains.customers.models import CustomerComposition, InteractionActivity, NewCustomers

T0 = datetime(2025, 3, 14, 10, 0, tzinfo=timezone.utc)


class Log:
    """One producer's event log: gapless sequences, served by `fetch` like events_since."""

    def __init__(self, source):
        self.source = source
        self.events = []

    def emit(self, event_type, payload, occurred_at=None):
        envelope = {"event_id": str(uuid.uuid4()), "event_type": event_type, "version": 1,
                    "occurred_at": (occurred_at or datetime.now(timezone.utc)).isoformat(),
                    "source": self.source, "sequence": len(self.events) + 1, "actor": "tester",
                    "payload": payload}
        self.events.append(envelope)
        return envelope

    def fetch(self, position, limit):
        return [event for event in self.events if event["sequence"] > position][:limit]


class Customers(Log):
    """Emits what services/customers emits: whole records on create/update."""

    def __init__(self):
        super().__init__("customers")
        self.records = {}
        self.merged = set()
        self.logged = []              # (user_id, kind, occurred_at) of every interaction

    def create(self, customer_id, created_at=T0, **fields):
        record = {"id": customer_id, "kind": "company", "name": customer_id, "industry": None,
                  "size": None, "annual_revenue": None, "currency": None, "region": None,
                  "address": None, "phone": None, "email": None, "website": None, "source": None,
                  "lifecycle_stage": "lead", "value_class": None, "owner_id": None,
                  "created_by": "u-admin", "created_at": created_at.isoformat(),
                  "updated_at": created_at.isoformat(), **fields}
        self.records[customer_id] = record
        return self.emit("customer_created", dict(record))

    def update(self, customer_id, **fields):
        record = self.records[customer_id]
        record.update(fields)
        return self.emit("customer_updated", {**record, "changed": sorted(fields)})

    def assign(self, customer_id, owner_id):
        previous = self.records[customer_id]["owner_id"]
        self.records[customer_id]["owner_id"] = owner_id
        return self.emit("customer_assigned", {
            "id": customer_id, "owner_id": owner_id, "previous_owner_id": previous,
            "region": self.records[customer_id]["region"], "reason": "manual",
            "assigned_by": "u-admin"})

    def merge(self, winner_id, loser_id):
        self.merged.add(loser_id)
        return self.emit("customer_merged", {
            "winner_id": winner_id, "loser_id": loser_id, "merged_at": T0.isoformat(),
            "contacts_moved": 0, "interactions_moved": 0, "tags": []})

    def interaction(self, user_id, kind="call", occurred_at=T0, owner_id=None, customer_id="c1"):
        self.logged.append((user_id, kind, occurred_at))
        return self.emit("interaction_logged", {
            "id": str(uuid.uuid4()), "customer_id": customer_id, "kind": kind,
            "occurred_at": occurred_at.isoformat(), "user_id": user_id, "summary": "s",
            "outcome": None, "contact_id": None, "owner_id": owner_id})


class Identity(Log):
    def __init__(self):
        super().__init__("identity")

    def user(self, user_id, role="sales_rep", team_id=None, event_type="user_created", **extra):
        return self.emit(event_type, {
            "id": user_id, "email": f"{user_id}@example.com", "name": f"Name {user_id}",
            "role": role, "team_id": team_id, "region": None, "manager_id": None, "active": True,
            "created_at": T0.isoformat(), "updated_at": T0.isoformat(), **extra})


def apply(db, *envelopes):
    return [inbox.consume(db, envelope) for envelope in envelopes]


def composition(db):
    """{(owner, stage, region, value_class, industry): count} without zero rows."""
    with db.read_only() as session:
        return {(row.owner_id, row.lifecycle_stage, row.region, row.value_class, row.industry):
                row.count for row in session.scalars(select(CustomerComposition)) if row.count}


def new_customers(db):
    with db.read_only() as session:
        return {(row.bucket, row.owner_id, row.lifecycle_stage, row.region, row.value_class,
                 row.industry): row.count
                for row in session.scalars(select(NewCustomers)) if row.count}


def activity(db):
    with db.read_only() as session:
        return {(row.bucket, row.user_id, row.owner_id, row.kind): row.count
                for row in session.scalars(select(InteractionActivity)) if row.count}


def state(db):
    return composition(db), new_customers(db), activity(db)


class CustomersRpc:
    """The reconcile RPCs of customers, answered from the fake producer's own state."""

    def __init__(self, customers, on_call=None):
        self.customers, self.on_call = customers, on_call

    def __call__(self, service, method, cursor=None, limit=500):
        assert service == "customers"
        if self.on_call:
            self.on_call()
        sequence = len(self.customers.events)
        if method == "reconcile_customer_facts":
            items = [{"id": r["id"], "lifecycle_stage": r["lifecycle_stage"], "region": r["region"],
                      "value_class": r["value_class"], "industry": r["industry"],
                      "owner_id": r["owner_id"], "created_at": r["created_at"],
                      "merged": r["id"] in self.customers.merged}
                     for r in sorted(self.customers.records.values(), key=lambda r: r["id"])]
        else:
            counts = {}
            for user_id, kind, occurred_at in self.customers.logged:
                key = (occurred_at.astimezone(timezone.utc).date().isoformat(), user_id, kind)
                counts[key] = counts.get(key, 0) + 1
            items = [{"day": day, "user_id": user_id, "kind": kind, "count": count}
                     for (day, user_id, kind), count in sorted(counts.items())]
        start = int(cursor or 0)
        more = start + limit < len(items)
        return {"items": items[start:start + limit], "sequence": sequence,
                "next_cursor": str(start + limit) if more else None}
