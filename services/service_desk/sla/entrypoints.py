"""SLA: a ticket's SLA state; calendars and policies (admins and support managers set them,
whoever works or reads tickets reads them); the timer that fires warnings and breaches once
across replicas. A mixin of ServiceDeskService (it provides db, principal)."""
from services.chassis.models import utcnow
from services.chassis.periodic import periodic
from services.chassis.rpc import rpc
from services.service_desk import roles, settings
from services.service_desk.sla import alarms, handlers

CONFIGURE = ("support_manager",)          # and admin (require() lets admin through)


class SlaEntrypoints:
    @rpc
    def get_ticket_sla(self, ticket_id):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return handlers.get_ticket_sla(session, principal, ticket_id)

    @rpc
    def list_sla_calendars(self):
        self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return handlers.list_calendars(session)

    @rpc
    def set_sla_calendar(self, calendar_id, data):
        principal = self.principal.require(*CONFIGURE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return handlers.set_calendar(uow, principal, calendar_id, data)

    @rpc
    def list_sla_policies(self):
        self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return handlers.list_policies(session)

    @rpc
    def set_sla_policy(self, data):
        principal = self.principal.require(*CONFIGURE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return handlers.set_policy(uow, principal, data)

    @periodic(settings.sla_check_seconds)
    def check_sla(self):
        return alarms.fire_due(self.db, utcnow())
