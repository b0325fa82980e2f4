"""Quotes (create from a deal, read, list, change a draft, send / accept / reject; the expiry
timer), contracts (sign, read, list; the renewal timer) and orders (place, read, list).
A mixin of SalesService (it provides db, principal).

Each entrypoint: who is calling, one transaction (or a read-only session), one handler.
"""
from services.chassis.periodic import periodic
from services.chassis.rpc import rpc  # replies without confirms
from services.sales import settings
from services.sales.documents.handlers import contracts, orders, quotes

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

    # A timer runs a job with no argument (the real time); a test passes a fixed `on`
    # through entrypoint_hook instead of depending on today's date.
    @periodic(settings.quote_expiry_check_seconds)
    def expire_quotes(self, on=None):
        return quotes.expire_quotes(self.db, on)

    @rpc
    def sign_contract(self, data):
        principal = self.principal.require(*WRITERS)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return contracts.sign_contract(uow, principal, data)

    @rpc
    def get_contract(self, contract_id):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return contracts.get_contract(session, principal, contract_id)

    @rpc
    def list_contracts(self, query=None):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return contracts.list_contracts(session, principal, query)

    @periodic(settings.renewal_check_seconds)
    def detect_contract_renewals(self, on=None):
        return contracts.detect_renewals(self.db, on)

    @rpc
    def place_order(self, data):
        principal = self.principal.require(*WRITERS)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return orders.place_order(uow, principal, data)

    @rpc
    def get_order(self, order_id):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return orders.get_order(session, principal, order_id)

    @rpc
    def list_orders(self, query=None):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return orders.list_orders(session, principal, query)
