"""Who sees which purchase orders, inside the query (DESIGN.md §6), as purchase requests
(requests/scopes.py): admins and buyers every order; a manager the orders of the requests they
see (their own and their team's). Someone else's order is NotFound, never Forbidden."""
from sqlalchemy import select, true

from services.chassis.errors import NotFound
from services.procurement import roles
from services.procurement.orders.models import PurchaseOrder
from services.procurement.requests import scopes as request_scopes
from services.procurement.requests.models import PurchaseRequest


def condition(principal):
    if principal.is_admin or principal.role == roles.BUYER:
        return true()
    return PurchaseOrder.request_id.in_(
        select(PurchaseRequest.id).where(request_scopes.condition(principal)))


def one(session, principal, order_id, for_write=False):
    if not isinstance(order_id, str) or len(order_id) > 36:
        raise NotFound(f"No purchase order {order_id}.", {"id": str(order_id)[:36]})
    query = select(PurchaseOrder).where(PurchaseOrder.id == order_id, condition(principal))
    if for_write:
        query = query.with_for_update()      # receipts and moves of one order queue
    found = session.scalar(query)
    if found is None:
        raise NotFound(f"No purchase order {order_id}.", {"id": order_id})
    return found
