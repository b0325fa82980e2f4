"""Consent: read it and its history (marketers, managers, admins), set it (marketers, admins).
A mixin of MarketingService (it provides db, principal)."""
from services.chassis.rpc import rpc  # replies without confirms
from services.marketing import roles
from services.marketing.consent import handlers


class ConsentEntrypoints:
    @rpc
    def get_consent(self, contact_id):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return handlers.get_consent(session, principal, contact_id)

    @rpc
    def set_consent(self, contact_id, data):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return handlers.set_consent(uow, principal, contact_id, data)

    @rpc
    def list_consent_history(self, contact_id, query=None):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return handlers.consent_history(session, principal, contact_id, query)
