"""Principals, a fake customers service and helpers for the sales handler tests."""
import itertools
import json

from sqlalchemy import select

from services.chassis.auth import Principal
from services.chassis.errors import Conflict
from services.chassis.models import OutboxEvent
from services.chassis.rpc import ServiceUnavailable
from services.sales import users as users_copy
from services.sales.deals.handlers import deals
from services.sales.leads.handlers import leads
from services.sales.products import handlers as products

ADMIN = Principal("u-admin", "admin")
MANAGER = Principal("u-manager", "manager", team_id="team-1", region="EU")
REP_A = Principal("u-rep-a", "sales_rep", team_id="team-1", region="EU")
REP_B = Principal("u-rep-b", "sales_rep", team_id="team-1", region="EU")
REP_C = Principal("u-rep-c", "sales_rep", team_id="team-2", region="US")
MARKETER = Principal("u-marketer", "marketer")
EVERYONE = (ADMIN, MANAGER, REP_A, REP_B, REP_C, MARKETER)

_sequence = itertools.count(1)


def user_event(db, principal, active=True, event_type="user_created"):
    payload = {"id": principal.user_id, "email": f"{principal.user_id}@example.com",
               "name": principal.user_id, "role": principal.role, "team_id": principal.team_id,
               "region": principal.region, "manager_id": None, "active": active,
               "updated_at": "2025-01-01T00:00:00+00:00"}
    with db.unit_of_work() as uow:
        users_copy.apply_user_event(uow, {"event_id": f"ev-{next(_sequence)}",
                                          "event_type": event_type, "source": "identity",
                                          "sequence": next(_sequence), "payload": payload})


def call(db, function, principal, *args, write=True):
    if write:
        with db.unit_of_work(actor=principal.user_id) as uow:
            return function(uow, principal, *args)
    with db.read_only() as session:
        return function(session, principal, *args)


def product(db, name="GTX Pro", price="4821.00", currency="USD", **extra):
    return call(db, products.create_product, ADMIN,
                {"name": name, "series": "GTX", "list_price": price, "currency": currency, **extra})


def lead(db, principal=REP_A, **data):
    data.setdefault("contact_name", "Ada Lovelace")
    data.setdefault("contact_email", "ada@analytical.example")
    return call(db, leads.create_lead, principal, data)


def deal(db, principal=REP_A, lines=(), **data):
    data.setdefault("name", "Big deal")
    data.setdefault("customer_id", "c-1")
    data.setdefault("currency", "USD")
    return call(db, deals.create_deal, principal, {**data, "lines": list(lines)})


def events(db, event_type=None):
    with db.read_only() as session:
        rows = session.execute(select(OutboxEvent.event_type, OutboxEvent.payload)
                               .order_by(OutboxEvent.sequence)).all()
    return [(row.event_type, json.loads(row.payload)) for row in rows
            if event_type is None or row.event_type == event_type]


class FakeCustomers:
    """customers' create_customer as seen over RPC: refuses twins by email with a Conflict
    naming the existing id; can be told to lose its reply (it commits, then times out)."""

    def __init__(self):
        self.customers = {}
        self.calls = 0
        self.lose_next_reply = False
        self.down = False

    def create_customer(self, details):
        self.calls += 1
        if self.down:
            raise ServiceUnavailable("The customers service did not answer within 3s.",
                                     {"service": "customers"})
        for existing_id, existing in self.customers.items():
            if details.get("email") and existing.get("email") == details["email"]:
                raise Conflict("A customer with this email already exists.",
                               {"duplicate_of": existing_id, "match": "email"})
        customer_id = f"c-{len(self.customers) + 1}"
        self.customers[customer_id] = {**details, "id": customer_id}
        if self.lose_next_reply:
            self.lose_next_reply = False
            raise ServiceUnavailable("The customers service did not answer within 3s.",
                                     {"service": "customers"})
        return {**details, "id": customer_id, "owner_id": details.get("owner_id")}
