"""Supplier selection: ask several suppliers to quote for an approved purchase request, record
their offers, read and compare them, choose one (with the reason), withdraw one. Buyers write
(roles.SOURCING; admin always); reads follow the request's scope (sourcing/scopes.py). A mixin
of ProcurementService."""
from services.chassis.rpc import rpc  # replies without confirms
from services.procurement import roles
from services.procurement.sourcing.handlers import asking, choice, offers, reads


class SourcingEntrypoints:
    @rpc
    def request_quotations(self, request_id, data):
        principal = self.principal.require(*roles.SOURCING)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return asking.request_quotations(uow, principal, request_id, data)

    @rpc
    def record_quotation_offer(self, quotation_id, data):
        principal = self.principal.require(*roles.SOURCING)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return offers.record_offer(uow, principal, quotation_id, data)

    @rpc
    def choose_quotation(self, quotation_id, data):
        principal = self.principal.require(*roles.SOURCING)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return choice.choose_quotation(uow, principal, quotation_id, data)

    @rpc
    def withdraw_quotation(self, quotation_id, data=None):
        principal = self.principal.require(*roles.SOURCING)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return choice.withdraw_quotation(uow, principal, quotation_id, data)

    @rpc
    def get_quotation(self, quotation_id):
        principal = self.principal.require(*roles.REQUEST)
        with self.db.read_only() as session:
            return reads.get_quotation(session, principal, quotation_id)

    @rpc
    def list_quotations(self, request_id):
        principal = self.principal.require(*roles.REQUEST)
        with self.db.read_only() as session:
            return reads.list_quotations(session, principal, request_id)

    @rpc
    def compare_quotations(self, request_id):
        principal = self.principal.require(*roles.REQUEST)
        with self.db.read_only() as session:
            return reads.compare_quotations(session, principal, request_id)
