"""Leads: capture, read, list, change, qualify / disqualify, and convert one into a customer
(through customers) and a deal. A mixin of SalesService (it provides db, principal, services
and, from KeepsUsersCopy, the users-copy refresh before an assignment).

Each entrypoint: who is calling, one transaction (or a read-only session), one handler.
"""
from services.chassis.rpc import rpc  # replies without confirms
from services.sales import settings
from services.sales.leads.handlers import conversion, leads, reconcile

SALES = ("sales_rep", "manager")        # require() lets admin and the system through as well


class LeadEntrypoints:
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
        timeout = settings.customers_timeout()

        def create_customer(details):
            return self.services.call("customers", "create_customer", details, timeout=timeout)
        return conversion.convert_lead(self.db, principal, lead_id, data, create_customer,
                                       lease_seconds=timeout)

    # --- reporting's reconciliation: this service's own data (admin / system only) ----------
    @rpc
    def reconcile_lead_facts(self, cursor=None, limit=500):
        self.principal.require("admin")
        with self.db.read_only() as session:
            return reconcile.lead_facts(session, cursor, limit)
