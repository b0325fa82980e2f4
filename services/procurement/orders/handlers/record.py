"""What the order and receipt use cases share: reading an order out with its lines (one query
for a page), its event payloads, and the exact money of a quantity at a unit price."""
from sqlalchemy import select

from services.procurement.orders import schemas
from services.procurement.orders.models import PurchaseOrderLine
from services.procurement.requests.handlers.record import line_total as value_of  # noqa: F401
from services.procurement.requests.handlers.record import new_id  # noqa: F401

ORDER = schemas.PurchaseOrder()


def columns(row):
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


def lines_of(session, order_ids, for_write=False):
    """{order id: [its lines by position]}."""
    if not order_ids:
        return {}
    query = (select(PurchaseOrderLine).where(PurchaseOrderLine.order_id.in_(order_ids))
             .order_by(PurchaseOrderLine.order_id, PurchaseOrderLine.position))
    if for_write:
        query = query.with_for_update()
    found = {}
    for line in session.scalars(query):
        found.setdefault(line.order_id, []).append(line)
    return found


def _line(line):
    return {**columns(line),
            "accepted_quantity": line.received_quantity - line.rejected_quantity}


def dump_many(session, orders):
    lines = lines_of(session, [order.id for order in orders])
    return [ORDER.dump({**columns(order), "lines": [_line(line) for line in lines.get(order.id, [])]})
            for order in orders]


def dump(session, order):
    return dump_many(session, [order])[0]


def status_changed(order, previous, actor, at, reason=None):
    """The payload of purchase_order_status_changed: every move, with the value accepted so far."""
    return {"order_id": order.id, "number": order.number, "supplier_id": order.supplier_id,
            "currency": order.currency, "total": order.total,
            "accepted_value": order.accepted_value, "from_status": previous,
            "to_status": order.status, "reason": reason, "changed_by": actor,
            "changed_at": at}
