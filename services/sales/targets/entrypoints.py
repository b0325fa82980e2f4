"""Sales targets: set, read, list, remove; the at-risk timer; reporting's target facts. A mixin
of SalesService (it provides db, principal).

Each entrypoint: who is calling, one transaction (or a read-only session), one handler.
"""
from services.chassis.periodic import periodic
from services.chassis.rpc import rpc  # replies without confirms
from services.sales import settings
from services.sales.targets.handlers import reconcile, risk, targets

SETTERS = ("manager",)                  # require() lets admin and the system through as well


class TargetEntrypoints:
    @rpc
    def set_target(self, data):
        principal = self.principal.require(*SETTERS)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return targets.set_target(uow, principal, data)

    @rpc
    def get_target(self, target_id):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return targets.get_target(session, principal, target_id)

    @rpc
    def list_targets(self, query=None):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return targets.list_targets(session, principal, query)

    @rpc
    def remove_target(self, target_id):
        principal = self.principal.require(*SETTERS)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return targets.remove_target(uow, principal, target_id)

    @rpc
    def reconcile_target_facts(self, cursor=None, limit=500):
        self.principal.require("admin")
        with self.db.read_only() as session:
            return reconcile.target_facts(session, cursor, limit)

    # A timer runs a job with no argument (the real time); a test passes a fixed `now`
    # through entrypoint_hook instead of depending on today's date.
    @periodic(settings.target_check_seconds)
    def detect_targets_at_risk(self, now=None):
        return risk.detect_at_risk(self.db, now)
