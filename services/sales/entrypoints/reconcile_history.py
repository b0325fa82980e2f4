"""reporting's reconciliation of the deal-history KPIs (product cuts, conversion, time in
stage): sales' own lines and stage changes, admin / system only."""
from services.chassis.rpc import rpc
from services.sales.handlers import reconcile_history


class ReconcilesDealHistory:
    @rpc
    def reconcile_deal_history(self, cursor=None, limit=500):
        self.principal.require("admin")
        with self.db.read_only() as session:
            return reconcile_history.deal_history(session, cursor, limit)
