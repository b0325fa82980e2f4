"""A real service desk database over in-memory SQLite, fed with events as customers and
identity publish them (dumped through their own schemas), the service's subscriptions, and the
people of the tests: two support teams, a support manager, sales reps and a marketer."""
import json
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine, func, select

from services.chassis import inbox
from services.chassis.auth import Principal
from services.chassis.models import OutboxEvent
from services.customers.events import EVENT_SCHEMAS as CUSTOMERS
from services.identity.events import EVENT_SCHEMAS as IDENTITY
from services.service_desk.events import EVENT_SCHEMAS
from services.service_desk.models import Base
from services.service_desk.service import ServiceDeskService
from tests.unit.chassis.fakes import make_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)          # a fixed clock
PRODUCERS = {"customers": CUSTOMERS, "identity": IDENTITY}

AGENT_A = Principal("u-agent-a", "agent", team_id="t-support-a")
AGENT_A2 = Principal("u-agent-a2", "agent", team_id="t-support-a")
AGENT_B = Principal("u-agent-b", "agent", team_id="t-support-b")
SUPPORT_MANAGER = Principal("u-sm", "support_manager")
ADMIN = Principal("u-admin", "admin")
REP = Principal("u-rep1", "sales_rep", team_id="t-sales")
OTHER_REP = Principal("u-rep2", "sales_rep", team_id="t-sales-2")
SALES_MANAGER = Principal("u-salesmgr", "manager", team_id="t-sales")
MARKETER = Principal("u-mkt", "marketer")
PEOPLE = (AGENT_A, AGENT_A2, AGENT_B, SUPPORT_MANAGER, ADMIN, REP, OTHER_REP, SALES_MANAGER,
          MARKETER)


def desk_db(engine=None):
    return make_db(engine or create_engine("sqlite://"), Base.metadata, source="service_desk",
                   event_schemas=EVENT_SCHEMAS)


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


def apply(db, *envelopes):
    return [inbox.consume(db, ServiceDeskService.subscriptions, e) for e in envelopes]


def customer(**changes):
    record = {"id": "c-1", "kind": "company", "name": "Acme", "industry": "education",
              "size": 50, "annual_revenue": None, "currency": None, "region": "north",
              "address": None, "phone": None, "email": "info@acme.example", "website": None,
              "source": None, "lifecycle_stage": "customer", "value_class": "A",
              "owner_id": REP.user_id, "parent_id": None, "created_by": REP.user_id,
              "created_at": T0, "updated_at": T0}
    return {**record, **changes}


def contact(**changes):
    return {"id": "ct-1", "customer_id": "c-1", "name": "Ada Lovelace", "role": "CTO",
            "birthday": None, "owner_id": REP.user_id, "created_at": T0, **changes}


def user(principal, **changes):
    return {"id": principal.user_id, "email": f"{principal.user_id}@crm.example",
            "name": principal.user_id, "role": principal.role, "team_id": principal.team_id,
            "region": None, "manager_id": None, "active": True, "created_at": T0,
            "updated_at": T0, **changes}


def seeded_db(engine=None):
    """Two customers (c-1 owned by REP with contact ct-1, no email — as contact_added was before
    it carried one; c-2 owned by OTHER_REP with ct-2, grace@globex.example)
    and every person of the tests in the users copy."""
    db, customers, identity = desk_db(engine), Log("customers"), Log("identity")
    apply(db, *[identity.emit("user_created", user(person)) for person in PEOPLE])
    apply(db, customers.emit("customer_created", customer()),
          customers.emit("contact_added", contact()),
          customers.emit("customer_created", customer(id="c-2", name="Globex",
                                                      owner_id=OTHER_REP.user_id)),
          customers.emit("contact_added", contact(id="ct-2", customer_id="c-2",
                                                  email=" Grace@Globex.example ")))
    db.logs = {"customers": customers, "identity": identity}
    return db


def events(db, event_type=None):
    with db.read_only() as session:
        query = select(OutboxEvent).order_by(OutboxEvent.sequence)
        if event_type:
            query = query.where(OutboxEvent.event_type == event_type)
        return [(row.event_type, json.loads(row.payload))
                for row in session.scalars(query)]


def count(db, model):
    with db.read_only() as session:
        return session.scalar(select(func.count()).select_from(model))
