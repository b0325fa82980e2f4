"""Responses: the public form (no principal — the gateway's public route passes the sender's
address), marketers entering responses, marketers and managers reading them."""
from services.chassis.rpc import rpc
from services.marketing import roles
from services.marketing.responses import handlers


class ResponseEntrypoints:
    @rpc
    def submit_campaign_form(self, campaign_id, data, client_ip=None):
        with self.db.unit_of_work(actor="public") as uow:
            return handlers.submit_form(uow, campaign_id, data, client_ip)

    @rpc
    def record_campaign_response(self, campaign_id, data):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return handlers.record_response(uow, principal, campaign_id, data)

    @rpc
    def list_campaign_responses(self, campaign_id, query=None):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return handlers.list_responses(session, principal, campaign_id, query)
