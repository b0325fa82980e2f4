"""The figures reporting reconciles its procurement reports against (admin / system only): a
mixin of ProcurementService. handlers.py says what each page holds."""
from services.chassis.rpc import rpc  # replies without confirms
from services.procurement.kpis import handlers

ADMIN = "admin"     # require() lets the system principal (reporting's reconcile) through too


class KpiEntrypoints:
    @rpc
    def reconcile_supplier_kpis(self, cursor=None, limit=500):
        """Every supplier's name, status, score, flag and evaluations, paged."""
        self.principal.require(ADMIN)
        with self.db.read_only() as session:
            return handlers.supplier_kpis(session, cursor, limit)

    @rpc
    def reconcile_request_kpis(self, cursor=None, limit=500):
        """Every approved or rejected request's submission and decision, paged."""
        self.principal.require(ADMIN)
        with self.db.read_only() as session:
            return handlers.request_kpis(session, cursor, limit)

    @rpc
    def reconcile_order_kpis(self, cursor=None, limit=500):
        """Every order past draft: status, total, value accepted, paged."""
        self.principal.require(ADMIN)
        with self.db.read_only() as session:
            return handlers.order_kpis(session, cursor, limit)

    @rpc
    def reconcile_receipt_kpis(self, cursor=None, limit=500):
        """Every goods receipt and its lines' accepted value and category, paged."""
        self.principal.require(ADMIN)
        with self.db.read_only() as session:
            return handlers.receipt_kpis(session, cursor, limit)
