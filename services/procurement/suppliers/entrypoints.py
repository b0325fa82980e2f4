"""Suppliers: create (duplicates 409 unless forced), read, list, change, status, documents'
metadata, history. A mixin of ProcurementService (it provides db, principal). Who may:
roles.py — buyers write; buyers and managers read."""
from services.chassis.rpc import rpc  # replies without confirms
from services.procurement import roles
from services.procurement.suppliers import handlers


class SupplierEntrypoints:
    @rpc
    def create_supplier(self, data, force=False):
        principal = self.principal.require(*roles.SUPPLIERS_WRITE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return handlers.create_supplier(uow, principal, data, force=force)

    @rpc
    def get_supplier(self, supplier_id):
        self.principal.require(*roles.SUPPLIERS_READ)
        with self.db.read_only() as session:
            return handlers.get_supplier(session, supplier_id)

    @rpc
    def list_suppliers(self, query=None):
        self.principal.require(*roles.SUPPLIERS_READ)
        with self.db.read_only() as session:
            return handlers.list_suppliers(session, query)

    @rpc
    def update_supplier(self, supplier_id, data):
        principal = self.principal.require(*roles.SUPPLIERS_WRITE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return handlers.update_supplier(uow, principal, supplier_id, data)

    @rpc
    def change_supplier_status(self, supplier_id, data):
        principal = self.principal.require(*roles.SUPPLIERS_WRITE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return handlers.change_status(uow, principal, supplier_id, data)

    @rpc
    def add_supplier_document(self, supplier_id, data):
        principal = self.principal.require(*roles.SUPPLIERS_WRITE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return handlers.add_document(uow, principal, supplier_id, data)

    @rpc
    def list_supplier_documents(self, supplier_id, query=None):
        self.principal.require(*roles.SUPPLIERS_READ)
        with self.db.read_only() as session:
            return handlers.list_documents(session, supplier_id, query)

    @rpc
    def list_supplier_history(self, supplier_id, query=None):
        self.principal.require(*roles.SUPPLIERS_READ)
        with self.db.read_only() as session:
            return handlers.list_history(session, supplier_id, query)
