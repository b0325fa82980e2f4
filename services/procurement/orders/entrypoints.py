"""Purchase orders and goods receipts: place an order under an active contract, send / cancel /
close it, record goods received against it (buyers; admin always), read and list orders and
an order's receipts (buyers, and managers for the requests they see: orders/scopes.py). A
mixin of ProcurementService."""
from services.chassis.rpc import rpc  # replies without confirms
from services.procurement import roles
from services.procurement.orders.handlers import lists, moves, place, receipts


class OrderEntrypoints:
    @rpc
    def create_purchase_order(self, data):
        principal = self.principal.require(*roles.ORDER)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return place.place_order(uow, principal, data)

    @rpc
    def get_purchase_order(self, order_id):
        principal = self.principal.require(*roles.ORDERS_READ)
        with self.db.read_only() as session:
            return lists.get_order(session, principal, order_id)

    @rpc
    def list_purchase_orders(self, query=None):
        principal = self.principal.require(*roles.ORDERS_READ)
        with self.db.read_only() as session:
            return lists.list_orders(session, principal, query)

    @rpc
    def change_purchase_order_status(self, order_id, data):
        principal = self.principal.require(*roles.ORDER)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return moves.change_status(uow, principal, order_id, data)

    @rpc
    def record_goods_receipt(self, order_id, data):
        principal = self.principal.require(*roles.ORDER)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return receipts.record_receipt(uow, principal, order_id, data)

    @rpc
    def list_goods_receipts(self, order_id, query=None):
        principal = self.principal.require(*roles.ORDERS_READ)
        with self.db.read_only() as session:
            return receipts.list_receipts(session, principal, order_id, query)
