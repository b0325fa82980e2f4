"""A purchase contract's status (issue 14): `active` (made from the chosen offer; orders are
placed under it) → `completed` (everything ordered and received: the orders' side moves it) |
`cancelled` (by a buyer, only while no order is placed under it). `completed` and `cancelled`
are final; a move from the wrong status is a 409 naming the statuses it is possible from."""
from services.chassis.errors import Conflict

ACTIVE, COMPLETED, CANCELLED = "active", "completed", "cancelled"
STATUSES = (ACTIVE, COMPLETED, CANCELLED)
CANCELLABLE = (ACTIVE,)


def refuse(contract, what, allowed_from):
    """409 unless the contract is in one of `allowed_from` (nothing changes)."""
    if contract.status not in allowed_from:
        raise Conflict(f"Purchase contract {contract.number} is {contract.status}: {what} is "
                       f"not possible.", {"id": contract.id, "allowed": list(allowed_from)})
