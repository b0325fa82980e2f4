"""sales: products and the price list, leads (capture, qualification, score, assignment,
conversion), deals through a configurable pipeline with stage history, the pipeline board;
quotes (entrypoints/documents.py); invoices and payments received with overdue detection
(entrypoints/cash.py); tasks, follow-ups and reminders (entrypoints/tasks.py).

Each entrypoint: who is calling, one transaction (or a read-only session), one handler.
Record-level scopes are enforced inside the handlers' queries.
"""
from services.chassis import settings
from services.chassis.db import Database
from services.chassis.errors import Invalid, NotFound
from services.chassis.inbox import Subscriptions
from services.chassis.rpc import rpc                # replies without confirms
from services.chassis.service import ChassisService, KeepsUsersCopy
from services.sales.entrypoints.cash import CashEntrypoints
from services.sales.entrypoints.documents import DocumentEntrypoints
from services.sales.entrypoints.tasks import TaskEntrypoints
from services.sales.entrypoints.targets import TargetEntrypoints
from services.sales.entrypoints.deal_import import DealImportEntrypoints
from services.sales.events import EVENT_SCHEMAS
from services.sales.handlers import (birthdays, board, conversion, deals, leads, moves,
                                     pipeline, products, users_copy)
from services.sales.handlers import reconcile
from services.sales.entrypoints.reconcile_history import ReconcilesDealHistory
from services.sales.models import Base

SALES = ("sales_rep", "manager")        # require() lets admin and the system through as well
PRICE_LIST = ("manager",)


def customers_timeout():
    """The customers call made while converting must end before the gateway gives up on us."""
    return settings.env_float("SALES_CUSTOMERS_TIMEOUT_SECONDS", 0.6 * settings.rpc_timeout())


class SalesService(DocumentEntrypoints, CashEntrypoints, TaskEntrypoints, TargetEntrypoints,
                   DealImportEntrypoints, ReconcilesDealHistory, KeepsUsersCopy, ChassisService):
    name = "sales"
    db = Database(Base.metadata, event_schemas=EVENT_SCHEMAS)
    # identity's users copy: its live entrypoints and the refresh before a create are the
    # chassis's (KeepsUsersCopy), at most once per USERS_REFRESH_MIN_INTERVAL_SECONDS per key.
    users = users_copy.users
    # customers' contacts with birthdays, and customers' owners (birthday reminders)
    subscriptions = Subscriptions({"identity": users.handlers(),
                                   "customers": birthdays.handlers()})

    # --- products ----------------------------------------------------------------------------
    @rpc
    def create_product(self, data):
        principal = self.principal.require(*PRICE_LIST)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return products.create_product(uow, principal, data)

    @rpc
    def update_product(self, product_id, data):
        principal = self.principal.require(*PRICE_LIST)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return products.update_product(uow, principal, product_id, data)

    @rpc
    def get_product(self, product_id):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return products.get_product(session, principal, product_id)

    @rpc
    def list_products(self, query=None):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return products.list_products(session, principal, query)

    # --- leads -------------------------------------------------------------------------------
    @rpc
    def create_lead(self, data):
        principal = self.principal.require(*SALES, "marketer")
        if isinstance(data, dict) and principal.role != "sales_rep":
            self._refresh_users_if_stale(data.get("owner_id"), data.get("region"))
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return leads.create_lead(uow, principal, data)

    @rpc
    def get_lead(self, lead_id):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return leads.get_lead(session, principal, lead_id)

    @rpc
    def list_leads(self, query=None):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return leads.list_leads(session, principal, query)

    @rpc
    def update_lead(self, lead_id, data):
        principal = self.principal.require(*SALES, "marketer")
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return leads.update_lead(uow, principal, lead_id, data)

    @rpc
    def set_lead_status(self, lead_id, data):
        principal = self.principal.require(*SALES)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return leads.set_status(uow, principal, lead_id, data)

    @rpc
    def convert_lead(self, lead_id, data):
        principal = self.principal.require(*SALES)
        timeout = customers_timeout()

        def create_customer(details):
            return self.services.call("customers", "create_customer", details, timeout=timeout)
        return conversion.convert_lead(self.db, principal, lead_id, data, create_customer,
                                       lease_seconds=timeout)

    # --- deals -------------------------------------------------------------------------------
    @rpc
    def create_deal(self, data):
        principal = self.principal.require(*SALES)
        customer_id = self._visible_customer(data)
        if isinstance(data, dict) and principal.role != "sales_rep":
            self._refresh_users_if_stale(data.get("owner_id"), None)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return deals.create_deal(uow, principal, data, customer_id=customer_id)

    def _visible_customer(self, data):
        """A deal is for a customer the caller may see (asked as the caller: customers applies
        its scope); a merged id becomes its winner. Before any write, no transaction open."""
        customer_id = data.get("customer_id") if isinstance(data, dict) else None
        if not isinstance(customer_id, str) or not 0 < len(customer_id) <= 36:
            return None                              # the handler's schema says what is wrong
        try:
            return self.services.call("customers", "get_customer", customer_id,
                                      timeout=customers_timeout())["id"]
        except NotFound:
            raise Invalid("The request is not valid.",
                          {"customer_id": ["No customer you can see has this id."]})

    @rpc
    def get_deal(self, deal_id):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return deals.get_deal(session, principal, deal_id)

    @rpc
    def list_deals(self, query=None):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return deals.list_deals(session, principal, query)

    @rpc
    def update_deal(self, deal_id, data):
        principal = self.principal.require(*SALES)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return deals.update_deal(uow, principal, deal_id, data)

    @rpc
    def move_deal(self, deal_id, data):
        principal = self.principal.require(*SALES)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return moves.move_deal(uow, principal, deal_id, data)

    @rpc
    def get_deal_history(self, deal_id):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return deals.stage_history(session, principal, deal_id)

    # --- pipeline ----------------------------------------------------------------------------
    @rpc
    def list_stages(self):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return pipeline.list_stages(session, principal)

    @rpc
    def update_stage(self, key, data):
        principal = self.principal.require("admin")
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return pipeline.update_stage(uow, principal, key, data)

    @rpc
    def pipeline_board(self, query=None):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return board.pipeline_board(session, principal, query)

    # --- reporting's reconciliation: this service's own data (admin / system only) ----------
    @rpc
    def reconcile_deal_facts(self, cursor=None, limit=500):
        self.principal.require("admin")
        with self.db.read_only() as session:
            return reconcile.deal_facts(session, cursor, limit)
