"""Purchase contracts: make one from a request's chosen quotation, read, list, cancel (while no
order is under it). Buyers write (roles.SOURCING; admin always); reads follow the request's
scope. A mixin of ProcurementService."""
from services.chassis.rpc import rpc  # replies without confirms
from services.procurement import roles
from services.procurement.orders import contracts


class ContractEntrypoints:
    @rpc
    def create_purchase_contract(self, data):
        principal = self.principal.require(*roles.SOURCING)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return contracts.create_contract(uow, principal, data)

    @rpc
    def get_purchase_contract(self, contract_id):
        principal = self.principal.require(*roles.REQUEST)
        with self.db.read_only() as session:
            return contracts.get_contract(session, principal, contract_id)

    @rpc
    def list_purchase_contracts(self, query=None):
        principal = self.principal.require(*roles.REQUEST)
        with self.db.read_only() as session:
            return contracts.list_contracts(session, principal, query)

    @rpc
    def cancel_purchase_contract(self, contract_id):
        principal = self.principal.require(*roles.SOURCING)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return contracts.cancel_contract(uow, principal, contract_id)
