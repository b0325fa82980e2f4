"""Quotes: create from a deal, read, list, change a draft, send / accept / reject; the expiry
timer. A mixin of SalesService (it provides db, principal).

Each entrypoint: who is calling, one transaction (or a read-only session), one handler.
"""
import logging

from nameko.timer import timer

from services.chassis import settings
from services.chassis.rpc import rpc                # replies without confirms
from services.sales.handlers import quotes

log = logging.getLogger(__name__)
WRITERS = ("sales_rep", "manager")      # require() lets admin and the system through as well


class DocumentEntrypoints:
    @rpc
    def create_quote(self, deal_id, data=None):
        principal = self.principal.require(*WRITERS)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return quotes.create_quote(uow, principal, deal_id, data)

    @rpc
    def get_quote(self, quote_id):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return quotes.get_quote(session, principal, quote_id)

    @rpc
    def list_quotes(self, query=None):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return quotes.list_quotes(session, principal, query)

    @rpc
    def update_quote(self, quote_id, data):
        principal = self.principal.require(*WRITERS)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return quotes.update_quote(uow, principal, quote_id, data)

    @rpc
    def send_quote(self, quote_id):
        principal = self.principal.require(*WRITERS)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return quotes.send_quote(uow, principal, quote_id)

    @rpc
    def accept_quote(self, quote_id):
        principal = self.principal.require(*WRITERS)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return quotes.accept_quote(uow, principal, quote_id)

    @rpc
    def reject_quote(self, quote_id):
        principal = self.principal.require(*WRITERS)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return quotes.reject_quote(uow, principal, quote_id)

    @timer(interval=settings.env_float("SALES_QUOTE_EXPIRY_CHECK_SECONDS", 60.0))
    def expire_quotes(self):
        try:
            return quotes.expire_quotes(self.db)
        except Exception:
            log.warning("quote expiry check failed; the next round retries", exc_info=True)
