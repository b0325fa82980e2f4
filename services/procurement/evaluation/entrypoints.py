"""Evaluation: the criteria and threshold (read: the supplier book's readers; set: buyers),
a supplier scored for a period, its history, its on-time delivery (computed from receipts). A
mixin of ProcurementService."""
from services.chassis.rpc import rpc  # replies without confirms
from services.procurement import roles
from services.procurement.evaluation import handlers


class EvaluationEntrypoints:
    @rpc
    def get_evaluation_criteria(self):
        self.principal.require(*roles.SUPPLIERS_READ)
        with self.db.read_only() as session:
            return handlers.get_criteria(session)

    @rpc
    def set_evaluation_criteria(self, data):
        principal = self.principal.require(*roles.CONFIGURE_CRITERIA)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return handlers.set_criteria(uow, principal, data)

    @rpc
    def evaluate_supplier(self, supplier_id, data):
        principal = self.principal.require(*roles.EVALUATE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return handlers.evaluate_supplier(uow, principal, supplier_id, data)

    @rpc
    def list_supplier_evaluations(self, supplier_id, query=None):
        self.principal.require(*roles.SUPPLIERS_READ)
        with self.db.read_only() as session:
            return handlers.list_evaluations(session, supplier_id, query)

    @rpc
    def get_supplier_on_time_delivery(self, supplier_id):
        self.principal.require(*roles.SUPPLIERS_READ)
        with self.db.read_only() as session:
            return handlers.get_on_time_delivery(session, supplier_id)
