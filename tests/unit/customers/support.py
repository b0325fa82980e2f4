"""Principals and helpers for the customers handler tests."""
import itertools
import json

from sqlalchemy import select

from services.chassis.auth import Principal
from services.chassis.models import OutboxEvent
from services.customers import users_copy
from services.customers.handlers import customers

# Ids sort in the order reps take their round-robin turns.
ADMIN = Principal("u-admin", "admin")
MANAGER = Principal("u-manager", "manager", team_id="team-1", region="EU")
REP_A = Principal("u-rep-a", "sales_rep", team_id="team-1", region="EU")
REP_B = Principal("u-rep-b", "sales_rep", team_id="team-1", region="EU")
REP_C = Principal("u-rep-c", "sales_rep", team_id="team-2", region="US")
OTHER_MANAGER = Principal("u-manager-2", "manager", team_id="team-2", region="US")
MARKETER = Principal("u-marketer", "marketer")
AGENT = Principal("u-agent", "agent")
EVERYONE = (ADMIN, MANAGER, REP_A, REP_B, REP_C, OTHER_MANAGER, MARKETER, AGENT)

_sequence = itertools.count(1)


def user_event(uow_db, principal, active=True, event_type="user_created", sequence=None, **extra):
    payload = {"id": principal.user_id, "email": f"{principal.user_id}@example.com",
               "name": principal.user_id, "role": principal.role, "team_id": principal.team_id,
               "region": principal.region, "manager_id": None, "active": active,
               "created_at": "2025-01-01T00:00:00+00:00", "updated_at": "2025-01-01T00:00:00+00:00",
               **extra}
    envelope = {"event_id": f"ev-{next(_sequence)}", "event_type": event_type, "source": "identity",
                "sequence": sequence or next(_sequence), "payload": payload}
    with uow_db.unit_of_work() as uow:
        users_copy.apply_user_event(uow, envelope)
    return envelope


def create(db, principal, force=False, **data):
    data.setdefault("name", "Acme")
    with db.unit_of_work(actor=principal.user_id) as uow:
        return customers.create_customer(uow, principal, data, force=force)


def events(db, event_type=None):
    with db.read_only() as session:
        rows = session.execute(select(OutboxEvent.event_type, OutboxEvent.payload)
                               .order_by(OutboxEvent.sequence)).all()
    return [(row.event_type, json.loads(row.payload)) for row in rows
            if event_type is None or row.event_type == event_type]


def call(db, function, principal, *args, write=True):
    """Run a handler as `principal` in a unit of work (write) or a read-only session."""
    if write:
        with db.unit_of_work(actor=principal.user_id) as uow:
            return function(uow, principal, *args)
    with db.read_only() as session:
        return function(session, principal, *args)
