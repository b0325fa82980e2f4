"""A purchase order's status (issue 14): `draft` (placed, not yet with the supplier) → `sent` →
`partially_received` → `received` → `closed`; `draft` and `sent` may be `cancelled` (with a
reason: the contract's ordered quantities are released); a `partially_received` order may be
short-closed (`closed`, with a reason: the rest will not come). Receipts move an order on by
themselves (sent → partially_received | received); a person moves it with `change_status`:
MANUAL below. (A purchase contract's own statuses: orders/contract_statuses.py.)"""
from services.chassis.errors import Conflict

DRAFT, SENT, PARTIALLY_RECEIVED, RECEIVED, CLOSED, CANCELLED = (
    "draft", "sent", "partially_received", "received", "closed", "cancelled")
STATUSES = (DRAFT, SENT, PARTIALLY_RECEIVED, RECEIVED, CLOSED, CANCELLED)
RECEIVABLE = (SENT, PARTIALLY_RECEIVED)
FINISHED = (RECEIVED, CLOSED)                # what a completed contract's orders are (or cancelled)

# The moves a person may make, by the status an order is in (receipts make the others).
MANUAL = {DRAFT: (SENT, CANCELLED), SENT: (CANCELLED,), PARTIALLY_RECEIVED: (CLOSED,),
          RECEIVED: (CLOSED,), CLOSED: (), CANCELLED: ()}
TARGETS = (SENT, CANCELLED, CLOSED)


def needs_reason(current, target):
    """A cancellation says why; so does closing an order short (not everything came)."""
    return target == CANCELLED or (target == CLOSED and current == PARTIALLY_RECEIVED)


def refuse_move(order, target):
    """409 naming the moves possible from the order's status, unless `target` is one."""
    allowed = MANUAL[order.status]
    if target not in allowed:
        raise Conflict(f"Purchase order {order.number} is {order.status}: it cannot become "
                       f"{target}.", {"id": order.id, "allowed": list(allowed)})


def refuse_receipt(order):
    if order.status not in RECEIVABLE:
        raise Conflict(f"Purchase order {order.number} is {order.status}: goods are received "
                       f"against sent or partially received orders only.",
                       {"id": order.id, "allowed": list(RECEIVABLE)})


def after_receipt(lines):
    """received when every line's accepted quantity reaches its quantity, else partially."""
    complete = all(line.received_quantity - line.rejected_quantity >= line.quantity
                   for line in lines)
    return RECEIVED if complete else PARTIALLY_RECEIVED
