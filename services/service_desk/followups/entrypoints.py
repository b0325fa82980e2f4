"""Follow-up visits (回访, issue 12 §7): list and read them (whoever reads tickets, within the
tickets' scopes), plan one by hand, complete or cancel one (its assignee or a support
manager). The system schedules them on a resolution (A-class customers) and a low survey score
(followups/schedule.py). A mixin of ServiceDeskService (it provides db, principal)."""
from services.chassis.rpc import rpc
from services.service_desk import roles
from services.service_desk.followups import handlers


class FollowupEntrypoints:
    @rpc
    def list_followups(self, query=None):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return handlers.list_followups(session, principal, query)

    @rpc
    def get_followup(self, followup_id):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return handlers.get_followup(session, principal, followup_id)

    @rpc
    def create_followup(self, ticket_id, data):
        principal = self.principal.require(*roles.WORK)
        self._refresh_assignee(data)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return handlers.create_followup(uow, principal, ticket_id, data)

    @rpc
    def update_followup(self, followup_id, data):
        principal = self.principal.require(*roles.WORK)
        self._refresh_assignee(data)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return handlers.update_followup(uow, principal, followup_id, data)

    @rpc
    def complete_followup(self, followup_id, data):
        principal = self.principal.require(*roles.WORK)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return handlers.complete_followup(uow, principal, followup_id, data)

    @rpc
    def cancel_followup(self, followup_id, data):
        principal = self.principal.require(*roles.WORK)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return handlers.cancel_followup(uow, principal, followup_id, data)
