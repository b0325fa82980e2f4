"""Purchase requests: raise (anyone signed in), read and list (requests/scopes.py), change a
draft, submit, cancel; approve / reject a pending step (the approver roles; who exactly:
handlers/approval.py); the approval policy (read: approvers; set: admin). A mixin of
ProcurementService."""
from services.chassis.rpc import rpc  # replies without confirms
from services.procurement import roles
from services.procurement.requests import policy
from services.procurement.requests.handlers import approval, create, lists


class RequestEntrypoints:
    @rpc
    def create_purchase_request(self, data):
        principal = self.principal.require(*roles.REQUEST)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return create.create_request(uow, principal, data)

    @rpc
    def get_purchase_request(self, request_id):
        principal = self.principal.require(*roles.REQUEST)
        with self.db.read_only() as session:
            return lists.get_request(session, principal, request_id)

    @rpc
    def list_purchase_requests(self, query=None):
        principal = self.principal.require(*roles.REQUEST)
        with self.db.read_only() as session:
            return lists.list_requests(session, principal, query)

    @rpc
    def update_purchase_request(self, request_id, data):
        principal = self.principal.require(*roles.REQUEST)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return create.update_request(uow, principal, request_id, data)

    @rpc
    def submit_purchase_request(self, request_id):
        principal = self.principal.require(*roles.REQUEST)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return create.submit_request(uow, principal, request_id)

    @rpc
    def cancel_purchase_request(self, request_id):
        principal = self.principal.require(*roles.REQUEST)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return create.cancel_request(uow, principal, request_id)

    @rpc
    def approve_purchase_request(self, request_id, data=None):
        principal = self.principal.require(*roles.APPROVERS)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return approval.approve_request(uow, principal, request_id, data)

    @rpc
    def reject_purchase_request(self, request_id, data=None):
        principal = self.principal.require(*roles.APPROVERS)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return approval.reject_request(uow, principal, request_id, data)

    @rpc
    def get_approval_policy(self):
        self.principal.require(*roles.APPROVERS)
        with self.db.read_only() as session:
            return policy.get_policies(session)

    @rpc
    def set_approval_policy(self, data):
        principal = self.principal.require("admin")
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return policy.set_policies(uow, principal, data)
