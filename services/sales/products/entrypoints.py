"""The price list: create and change products (managers), read and list them (everyone).
A mixin of SalesService (it provides db, principal).

Each entrypoint: who is calling, one transaction (or a read-only session), one handler.
"""
from services.chassis.rpc import rpc  # replies without confirms
from services.sales.products import handlers as products

PRICE_LIST = ("manager",)               # require() lets admin and the system through as well


class ProductEntrypoints:
    @rpc
    def create_product(self, data):
        principal = self.principal.require(*PRICE_LIST)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return products.create_product(uow, principal, data)

    @rpc
    def update_product(self, product_id, data):
        principal = self.principal.require(*PRICE_LIST)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return products.update_product(uow, principal, product_id, data)

    @rpc
    def get_product(self, product_id):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return products.get_product(session, principal, product_id)

    @rpc
    def list_products(self, query=None):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return products.list_products(session, principal, query)
