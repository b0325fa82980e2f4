"""The monolith baseline (issue 15 §2): what a user who chose a monolith would get for the same
GET and POST of a customer — one process, no broker, no gateway hop.

    GATEWAY_ADDRESS=127.0.0.1:8091 MONOLITH_DATABASE_URL=sqlite:///copy.db JWT_SECRET=… \\
        nameko run --config config.yml bench.monolith:BenchMonolith

Like for like with the microservice path, everything the request needs is done, with the same
code: the same nameko `@http` server as the ceiling, the same JWT check (gateway/auth.py), the
customers service's own handlers on its own SQLAlchemy models and queries
(services/customers/handlers/customers.py: scoped read, validation, duplicate check,
round-robin owner, insert, events written to the outbox in the same transaction), the same
JSON out. What a monolith does not have is left out: the gateway's RPC to the customers service
(and its deadline, retries and serialisation) and the relay publishing the events to the
broker — the events stay in the outbox table, as a monolith's would until something reads them.

Its database is a copy of the customers database taken after seeding (bench/run.py), so its
writes never reach the running system's relay and reads see exactly the same rows.
"""
import json
import os

from nameko.web.handlers import http
from sqlalchemy.orm import sessionmaker

from gateway.auth import from_bearer
from gateway.problems import HttpProblem
from services.chassis.db import Database, ensure_sequence_row, make_engine
from services.chassis.errors import CrmError
from services.customers.events import EVENT_SCHEMAS
from services.customers.handlers import customers
from services.customers.models import Base

JSON = {"Content-Type": "application/json"}


class _Unpublished:
    """No broker: committed events are left in the outbox (DatabaseAccess.commit calls this)."""

    def publish_committed(self, sequences, wait=False):
        pass


class MonolithDatabase(Database):
    """The customers service's database provider, minus the relay: source `customers` (so the
    outbox rows are the service's), the URL from MONOLITH_DATABASE_URL."""

    def setup(self):
        self.source = "customers"
        self.engine = make_engine(os.environ["MONOLITH_DATABASE_URL"])
        ensure_sequence_row(self.engine)
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.relay = _Unpublished()
        self.in_flight = set()


def _principal(request):
    scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return from_bearer(token)


def _problem(error):
    status = getattr(error, "status", None) or getattr(error, "http_status", 500)
    detail = getattr(error, "detail", None) or getattr(error, "message", str(error))
    return status, JSON, json.dumps({"status": status, "detail": detail,
                                     "errors": getattr(error, "details", None) or {}})


class BenchMonolith:
    name = "bench_monolith"

    db = MonolithDatabase(Base.metadata, event_schemas=EVENT_SCHEMAS)

    @http("GET", "/api/v1/customers/<string:customer_id>")
    def get_customer(self, request, customer_id):
        try:
            principal = _principal(request)
            if principal is None:
                return 401, JSON, json.dumps({"status": 401, "detail": "Sign in."})
            with self.db.read_only() as session:
                return 200, JSON, json.dumps(customers.get_customer(session, principal, customer_id))
        except (CrmError, HttpProblem) as error:
            return _problem(error)

    @http("POST", "/api/v1/customers")
    def create_customer(self, request):
        try:
            principal = _principal(request)
            if principal is None:
                return 401, JSON, json.dumps({"status": 401, "detail": "Sign in."})
            try:
                data = json.loads(request.get_data() or b"null")
            except ValueError:
                return 400, JSON, json.dumps({"status": 400, "detail": "The body is not JSON."})
            with self.db.unit_of_work(actor=principal.user_id) as uow:
                body = customers.create_customer(uow, principal, data)
            return 201, JSON, json.dumps(body)
        except (CrmError, HttpProblem) as error:
            return _problem(error)
