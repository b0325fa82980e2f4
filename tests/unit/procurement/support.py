"""A real procurement database over in-memory SQLite, the people of the tests, and the use
cases run as the entrypoints run them (one unit of work or a read-only session per call)."""
import json

from sqlalchemy import create_engine, select

from services.chassis.auth import Principal
from services.chassis.models import OutboxEvent
from services.procurement.evaluation import handlers as evaluation
from services.procurement.events import EVENT_SCHEMAS
from services.procurement.models import Base
from services.procurement.requests import policy
from services.procurement.requests.handlers import approval, create, lists
from services.procurement.suppliers import handlers as suppliers
from tests.unit.chassis.fakes import make_db

BUYER = Principal("u-buyer", "buyer")
BUYER2 = Principal("u-buyer2", "buyer")
ADMIN = Principal("u-admin", "admin")
ADMIN2 = Principal("u-admin2", "admin")
MANAGER = Principal("u-mgr", "manager", team_id="t-sales")
OTHER_MANAGER = Principal("u-mgr2", "manager", team_id="t-other")
REP = Principal("u-rep", "sales_rep", team_id="t-sales")
REP2 = Principal("u-rep2", "sales_rep", team_id="t-sales")
AGENT = Principal("u-agent", "agent", team_id="t-support")


def procurement_db(engine=None):
    return make_db(engine or create_engine("sqlite://"), Base.metadata, source="procurement",
                   event_schemas=EVENT_SCHEMAS)


def events(db, *types):
    """[(event_type, payload)] in the outbox, oldest first (only `types` if given)."""
    with db.read_only() as session:
        rows = session.execute(select(OutboxEvent.event_type, OutboxEvent.payload)
                               .order_by(OutboxEvent.sequence)).all()
    return [(kind, json.loads(payload)) for kind, payload in rows if not types or kind in types]


def write(db, principal, function, *args):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return function(uow, principal, *args)


def read(db, function, *args):
    with db.read_only() as session:
        return function(session, *args)


def new_supplier(db, principal=BUYER, force=False, **data):
    data = {"name": "Acme Office Supplies", **data}
    with db.unit_of_work(actor=principal.user_id) as uow:
        return suppliers.create_supplier(uow, principal, data, force=force)


def supplier_status(db, principal, supplier_id, status, reason=None):
    body = {"status": status, **({"reason": reason} if reason else {})}
    return write(db, principal, suppliers.change_status, supplier_id, body)


def evaluate(db, supplier_id, scores, start="2026-01-01", end="2026-03-31", principal=BUYER,
             **extra):
    body = {"period_start": start, "period_end": end,
            "scores": [{"criterion": key, "score": value} for key, value in scores.items()],
            **extra}
    return write(db, principal, evaluation.evaluate_supplier, supplier_id, body)


def line(item="Laptop", quantity="1", price="1000.00", **extra):
    return {"item": item, "quantity": quantity, "unit": "pcs", "estimated_unit_price": price,
            **extra}


def new_request(db, principal=REP, lines=None, submit=True, currency="EUR", **data):
    body = {"title": "Laptops for the new hires", "justification": "Three people start in May.",
            "currency": currency, "lines": lines or [line()], "submit": submit, **data}
    return write(db, principal, create.create_request, body)


def approve(db, principal, request_id, comment=None):
    return write(db, principal, approval.approve_request, request_id,
                 {"comment": comment} if comment else {})


def reject(db, principal, request_id, comment="Not in this year's budget."):
    return write(db, principal, approval.reject_request, request_id,
                 {"comment": comment} if comment else {})


def get_request(db, principal, request_id):
    return read(db, lists.get_request, principal, request_id)


def list_requests(db, principal, **query):
    return read(db, lists.list_requests, principal, query)


def set_policy(db, policies, principal=ADMIN):
    return write(db, principal, policy.set_policies, {"policies": policies})
