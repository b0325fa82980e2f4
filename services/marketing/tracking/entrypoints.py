"""Tracking: the public links in sent mail (no principal: the signed token is the proof) and
the inbound bounce / complaint webhook (its shared secret)."""
from services.chassis.rpc import rpc
from services.marketing.tracking import handlers


class TrackingEntrypoints:
    @rpc
    def track_open(self, token):
        with self.db.unit_of_work(actor="public") as uow:
            handlers.opened(uow, token)
        return None

    @rpc
    def track_click(self, token):
        with self.db.unit_of_work(actor="public") as uow:
            return handlers.clicked(uow, token)

    @rpc
    def unsubscribe(self, token):
        with self.db.unit_of_work(actor="public") as uow:
            return handlers.unsubscribe(uow, token)

    @rpc
    def check_unsubscribe_link(self, token):
        """The confirmation page's question: is this a link we made? (nothing recorded)"""
        handlers._verified(handlers.tokens.UNSUBSCRIBE, token)
        return {"valid": True}

    @rpc
    def report_inbound_email(self, data, secret=None):
        with self.db.unit_of_work(actor="inbound") as uow:
            return handlers.inbound_report(uow, data, secret)
