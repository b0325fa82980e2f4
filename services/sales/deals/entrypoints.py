"""Deals: create (for a customer the caller may see), read, list, change, move through the
pipeline, their stage history; the pipeline's stages and the board; reporting's reconciliation
of deal facts and deal history. A mixin of SalesService (it provides db, principal, services
and, from KeepsUsersCopy, the users-copy refresh before an assignment).

Each entrypoint: who is calling, one transaction (or a read-only session), one handler.
"""
from services.chassis.errors import Invalid, NotFound
from services.chassis.rpc import rpc  # replies without confirms
from services.sales import settings
from services.sales.deals.handlers import board, deals, moves, pipeline, reconcile

SALES = ("sales_rep", "manager")        # require() lets admin and the system through as well


class DealEntrypoints:
    @rpc
    def create_deal(self, data):
        principal = self.principal.require(*SALES)
        customer_id = self._visible_customer(data)
        if isinstance(data, dict) and principal.role != "sales_rep":
            self._refresh_users_if_stale(data.get("owner_id"), None)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return deals.create_deal(uow, principal, data, customer_id=customer_id)

    def _visible_customer(self, data):
        """A deal (or task) is for a customer the caller may see (asked as the caller: customers
        applies its scope); a merged id becomes its winner. Before any write, no transaction
        open."""
        customer_id = data.get("customer_id") if isinstance(data, dict) else None
        if not isinstance(customer_id, str) or not 0 < len(customer_id) <= 36:
            return None                              # the handler's schema says what is wrong
        try:
            return self.services.call("customers", "get_customer", customer_id,
                                      timeout=settings.customers_timeout())["id"]
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

    # --- the pipeline ----------------------------------------------------------------------
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

    @rpc
    def reconcile_deal_history(self, cursor=None, limit=500):
        self.principal.require("admin")
        with self.db.read_only() as session:
            return reconcile.deal_history(session, cursor, limit)
