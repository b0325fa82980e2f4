"""Reading purchase orders within the caller's scope (orders/scopes.py): one, or a page newest
first by supplier, status, contract."""
import json

from sqlalchemy import select

from services.chassis import pagination
from services.chassis.validation import load
from services.procurement.orders import schemas, scopes
from services.procurement.orders.handlers.record import dump, dump_many
from services.procurement.orders.models import PurchaseOrder

FILTERS = ("supplier_id", "status", "contract_id")


def get_order(session, principal, order_id):
    return dump(session, scopes.one(session, principal, order_id))


def list_orders(session, principal, query=None):
    filters = load(schemas.PurchaseOrderQuery, query or {})
    statement = select(PurchaseOrder).where(scopes.condition(principal))
    for name in FILTERS:
        if filters.get(name):
            statement = statement.where(getattr(PurchaseOrder, name) == filters[name])
    scope = "purchase-orders:" + json.dumps({k: v for k, v in filters.items()
                                            if k in FILTERS}, sort_keys=True)
    return pagination.newest_first(session, statement, PurchaseOrder, filters, scope, dump_many)
