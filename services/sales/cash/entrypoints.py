"""Invoices and payments received: issue, read, list (overdue), cancel, pay; the overdue timer;
reporting's cash facts. A mixin of SalesService (it provides db, principal).

Each entrypoint: who is calling, one transaction (or a read-only session), one handler.
"""
from services.chassis.periodic import periodic
from services.chassis.rpc import rpc  # replies without confirms
from services.sales import settings
from services.sales.cash.handlers import invoices, overdue, payments, reconcile

WRITERS = ("sales_rep", "manager")      # require() lets admin and the system through as well


class CashEntrypoints:
    @rpc
    def issue_invoice(self, data):
        principal = self.principal.require(*WRITERS)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return invoices.issue_invoice(uow, principal, data)

    @rpc
    def get_invoice(self, invoice_id):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return invoices.get_invoice(session, principal, invoice_id)

    @rpc
    def list_invoices(self, query=None):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return invoices.list_invoices(session, principal, query)

    @rpc
    def list_overdue_invoices(self, query=None):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return invoices.list_overdue_invoices(session, principal, query)

    @rpc
    def cancel_invoice(self, invoice_id, data):
        principal = self.principal.require(*WRITERS)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return invoices.cancel_invoice(uow, principal, invoice_id, data)

    @rpc
    def record_payment(self, invoice_id, data):
        principal = self.principal.require(*WRITERS)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return payments.record_payment(uow, principal, invoice_id, data)

    @rpc
    def list_payments(self, invoice_id):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return invoices.list_payments(session, principal, invoice_id)

    # A timer runs a job with no argument (the real time); a test passes a fixed `on`
    # through entrypoint_hook instead of depending on today's date.
    @periodic(settings.overdue_check_seconds)
    def detect_overdue_invoices(self, on=None):
        return overdue.detect_overdue(self.db, on)

    # --- reporting's reconciliation: this service's own data (admin / system only) ----------
    @rpc
    def reconcile_cash_facts(self, cursor=None, limit=500):
        self.principal.require("admin")
        with self.db.read_only() as session:
            return reconcile.cash_facts(session, cursor, limit)
