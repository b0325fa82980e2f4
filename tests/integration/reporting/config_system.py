"""The real sales handlers and reporting's real projections, in one process, each on its own
in-memory copy of its service's alembic-migrated SQLite template (tests/conftest.py's
migration_templates): sales' outbox is the event log reporting reads, as events_since serves
it. No broker and no file, so a property test runs dozens of workloads in seconds; delivery
order is the test's to choose.

- Sales: the use cases an API call runs (create / update / move a deal, change a stage or a
  product's series; product-line targets of a fixed quarter for each series are set first, and
  every move happens at a fixed instant in it), each in its own unit of work; a refused call
  (422 / 409 / 403 / 404) changes nothing and is skipped, as a client would see it refused.
- Reporting: `deliver` (the live path: one event per transaction, in any order, repeats
  included), `rebuild` (the replay from zero), `reconcile` (against sales' own reconcile
  handlers) and the funnel report.
"""
import sqlite3
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from sqlalchemy import create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from services.chassis.auth import Principal
from services.chassis.db import DatabaseAccess
from services.chassis.errors import Conflict, Forbidden, Invalid, NotFound
from services.chassis.models import OutboxEvent
from services.chassis.outbox import envelope
from services.reporting import inbox, lease, rebuild, reconcile
from services.reporting.domains.sales.queries import deals as sales_reports
from services.reporting.domains.sales.queries import targets as target_reports
from services.sales.cash.handlers import reconcile as cash_reconcile
from services.sales.deals.handlers import board, deals, moves, pipeline
from services.sales.deals.handlers import reconcile as deal_reconcile
from services.sales.deals.models import Deal, PipelineStage
from services.sales.events import EVENT_SCHEMAS
from services.sales.leads.handlers import reconcile as lead_reconcile
from services.sales.products import handlers as products
from services.sales.targets.handlers import reconcile as target_reconcile
from services.sales.targets.handlers import targets
from tests.unit.chassis.fakes import RecordingRelay
from tests.unit.sales.support import user_event

ADMIN = Principal("u-admin", "admin")
REPS = (Principal("u-rep-a", "sales_rep", team_id="t1", region="EU"),
        Principal("u-rep-b", "sales_rep", team_id="t2", region="US"))
REFUSED = (Conflict, Forbidden, Invalid, NotFound)
SALES_RECONCILE = {"reconcile_deal_facts": deal_reconcile.deal_facts,
                   "reconcile_deal_history": deal_reconcile.deal_history,
                   "reconcile_cash_facts": cash_reconcile.cash_facts,
                   "reconcile_target_facts": target_reconcile.target_facts,
                   "reconcile_lead_facts": lead_reconcile.lead_facts}
EMPTY_PAGE = {"items": [], "sequence": 0, "next_cursor": None}
SERIES = ("GTX", "MG")
# Names that do not say their series (the second even names the other one): only the
# product's configured series may decide its product-line targets.
PRODUCT_NAMES = ("Alpha", "GTX Beta")


# A fixed clock: every move (a win's closed_at) happens at NOW, inside the targets' QUARTER —
# "this quarter" from the wall clock let a run across a quarter's end win its deals outside
# the targets' period (attainment 0 on both sides: the check proved nothing).
NOW = datetime(2026, 5, 13, 10, 0, tzinfo=timezone.utc)
QUARTER = date(2026, 4, 1)


def migrated(templates, service, event_schemas=None):
    """(engine, the chassis's DatabaseAccess) over an in-memory copy of `service`'s migrated
    template (sqlite3's backup API: the alembic-built schema and what it seeds)."""
    engine = create_engine("sqlite://", poolclass=StaticPool,
                           connect_args={"check_same_thread": False})
    event.listen(engine, "connect",
                 lambda connection, _record: connection.execute("PRAGMA foreign_keys=ON"))
    with engine.connect() as connection:
        with sqlite3.connect(templates.get(service, "sqlite")) as template:
            template.backup(connection.connection.driver_connection)
    provider = SimpleNamespace(
        engine=engine, source=service, event_schemas=event_schemas or {},
        sessionmaker=sessionmaker(bind=engine, expire_on_commit=False), relay=RecordingRelay())
    return engine, DatabaseAccess(provider, worker_ctx=None)


class SalesSystem:
    def __init__(self, templates):
        self.engine, self.db = migrated(templates, "sales", EVENT_SCHEMAS)
        for person in (ADMIN, *REPS):
            user_event(self.db, person)
        self.products = {currency: [self.write(products.create_product, ADMIN, {
            "name": f"{name} {currency}", "series": series, "list_price": "1.00",
            "currency": currency})["id"] for name, series in zip(PRODUCT_NAMES, SERIES)]
            for currency in ("EUR", "USD")}
        self.quarter = QUARTER
        self.target_ids = [self.write(targets.set_target, ADMIN, {
            "period_kind": "quarter", "period_start": self.quarter.isoformat(),
            "scope": "product_line", "scope_value": series, "measure": "won_revenue",
            "amount": "1000.00", "currency": currency})["id"]
            for series in SERIES for currency in ("EUR", "USD")]
        self.deal_ids = []

    def write(self, function, principal, *args, **kwargs):
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return function(uow, principal, *args, **kwargs)

    def attempt(self, function, principal, *args, **kwargs):
        """An API call: its answer, or None when sales refuses it (nothing changed)."""
        try:
            return self.write(function, principal, *args, **kwargs)
        except REFUSED:
            return None

    def _lines(self, currency, cents, quantity, which):
        return [{"product_id": self.products[currency][which], "quantity": quantity,
                 "unit_price": str(Decimal(cents) / 100)}]

    # --- the operations a property test draws ------------------------------------------------
    def create(self, owner, currency, cents, quantity, which=0):
        created = self.attempt(deals.create_deal, ADMIN, {
            "name": "d", "customer_id": "c-1", "currency": currency,
            "owner_id": REPS[owner].user_id,
            "lines": self._lines(currency, cents, quantity, which)})
        if created:
            self.deal_ids.append(created["id"])

    def update(self, index, cents, quantity, which=0):
        if self.deal_ids:
            deal_id = self.deal_ids[index % len(self.deal_ids)]
            with Session(self.engine) as session:
                currency = session.get(Deal, deal_id).currency
            self.attempt(deals.update_deal, ADMIN, deal_id, {
                "lines": self._lines(currency, cents, quantity, which)})

    def series(self, currency, which, series):
        """An admin moves a product to another series (configuration of product lines)."""
        self.attempt(products.update_product, ADMIN, self.products[currency][which],
                     {"series": series})

    def move(self, index, stage):
        if self.deal_ids:
            self.attempt(moves.move_deal, ADMIN, self.deal_ids[index % len(self.deal_ids)],
                         {"stage": stage, "lost_reason": "price"}, now=NOW)

    def configure(self, stage, changes):
        self.attempt(pipeline.update_stage, ADMIN, stage, changes)

    # --- what sales says ---------------------------------------------------------------------
    def events(self, position=0, limit=10**9):
        with Session(self.engine) as session:
            rows = session.scalars(select(OutboxEvent).where(OutboxEvent.sequence > position)
                                   .order_by(OutboxEvent.sequence).limit(limit)).all()
            return [envelope(row, "sales") for row in rows]

    def board(self):
        """{(stage, currency): (count, amount, weighted)} from sales' own board."""
        with self.db.read_only() as session:
            answer = board.pipeline_board(session, ADMIN)
        return {(column["key"], total["currency"]):
                (total["count"], total["amount"], total["weighted_amount"])
                for column in answer["stages"] for total in column["totals"]}

    def oracle(self):
        """The same figures computed here from sales' rows: each deal's amount × its stage's
        current probability, half-up to the cent, summed per stage and currency."""
        found = {}
        with Session(self.engine) as session:
            probability = dict(session.execute(
                select(PipelineStage.key, PipelineStage.probability)).all())
            for deal in session.scalars(select(Deal)):
                weighted = (deal.amount * probability[deal.stage] / 100).quantize(
                    Decimal("0.01"), ROUND_HALF_UP)
                count, amount, total = found.get((deal.stage, deal.currency),
                                                 (0, Decimal("0.00"), Decimal("0.00")))
                found[(deal.stage, deal.currency)] = (count + 1, amount + deal.amount,
                                                      total + weighted)
        return {key: (count, str(amount), str(weighted))
                for key, (count, amount, weighted) in found.items()}

    def attainment(self):
        """{target id: attained} as sales' own target read answers it."""
        with self.db.read_only() as session:
            return {target_id: targets.get_target(session, ADMIN, target_id, now=NOW)["attained"]
                    for target_id in self.target_ids}

    def rpc(self, service, method, cursor=None, limit=500):
        """The producers' reconcile RPCs as reporting calls them (customers: nothing)."""
        if service != "sales":
            return EMPTY_PAGE
        with self.db.read_only() as session:
            return SALES_RECONCILE[method](session, cursor, limit)


class ReportingSystem:
    def __init__(self, templates, sales):
        self.engine, self.db = migrated(templates, "reporting")
        self.sales = sales
        self.fetchers = {"sales": sales.events, "customers": lambda _p, _l: [],
                         "identity": lambda _p, _l: [], "marketing": lambda _p, _l: [],
                         "service_desk": lambda _p, _l: [], "procurement": lambda _p, _l: []}

    def deliver(self, envelopes):
        for item in envelopes:
            inbox.consume(self.db, item)

    def rebuild(self, page_size):
        with lease.hold(self.db) as held:
            return rebuild.rebuild(self.db, self.fetchers, ["deals"], held, page_size=page_size)

    def reconcile(self):
        with lease.hold(self.db) as held:
            return reconcile.reconcile(self.db, self.fetchers, self.sales.rpc, held)

    def funnel(self):
        with self.db.read_only() as session:
            report = sales_reports.funnel(session, ADMIN, {"group_by": ["stage"]})
        return {(row["stage"], row["currency"]): (row["count"], row["amount"],
                                                  row["weighted_amount"])
                for row in report["rows"]}

    def attainment(self):
        with self.db.read_only() as session:
            report = target_reports.targets(session, ADMIN, {
                "period_kind": "quarter", "period_start": self.sales.quarter.isoformat()},
                now=NOW)
        return {row["id"]: row["attained"] for row in report["rows"]}

    def dispose(self):
        self.engine.dispose()
