"""The audience: read it (marketers, managers, admins). A mixin of MarketingService (it
provides db, principal). Its copy is fed by customers' and sales' events (service.py)."""
from services.chassis.rpc import rpc  # replies without confirms
from services.marketing import roles
from services.marketing.audience import handlers


class AudienceEntrypoints:
    @rpc
    def list_audience(self, query=None):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return handlers.list_audience(session, principal, query)

    @rpc
    def get_audience_member(self, contact_id):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return handlers.get_member(session, principal, contact_id)
