"""Automation rules: marketers (and admins) define, enable and read them and their runs. A mixin
of MarketingService (it provides db, principal, services); the runs are scheduled by the
catalogued events (service.py: triggering.with_triggers) and fired by the timer below."""
from services.chassis.models import utcnow
from services.chassis.periodic import periodic
from services.chassis.rpc import rpc  # replies without confirms
from services.marketing import roles, settings
from services.marketing.automation.handlers import log, rules, runs


class Remote:
    """Calls made by a run's actions, as the run's own principal (causation.py): nameko sends
    the worker's principal with every call, so it is set before each."""

    def __init__(self, principal, services):
        self._principal, self._services = principal, services

    def call(self, principal, service, method, *args, idempotency=None):
        self._principal.set(principal)
        return self._services.call(service, method, *args, idempotency=idempotency)


class AutomationEntrypoints:
    @rpc
    def get_automation_catalogue(self):
        self.principal.require(*roles.MANAGE)
        return rules.describe()

    @rpc
    def create_automation_rule(self, data):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return rules.create_rule(uow, principal, data)

    @rpc
    def update_automation_rule(self, rule_id, data):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return rules.update_rule(uow, principal, rule_id, data)

    @rpc
    def enable_automation_rule(self, rule_id):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return rules.set_enabled(uow, principal, rule_id, True)

    @rpc
    def disable_automation_rule(self, rule_id):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return rules.set_enabled(uow, principal, rule_id, False)

    @rpc
    def get_automation_rule(self, rule_id):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.read_only() as session:
            return rules.get_rule(session, principal, rule_id)

    @rpc
    def list_automation_rules(self, query=None):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.read_only() as session:
            return rules.list_rules(session, principal, query)

    @rpc
    def list_automation_runs(self, rule_id, query=None):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.read_only() as session:
            return log.list_runs(session, principal, rule_id, query)

    @periodic(settings.automation_tick_seconds)
    def fire_automation_runs(self, now=None):
        """The runs due now (a test passes a fixed `now`)."""
        return runs.fire_due(self.db, Remote(self.principal, self.services), now or utcnow())
