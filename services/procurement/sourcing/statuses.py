"""A quotation's status (issue 14): `requested` (the supplier is asked) → `received` (its offer
recorded; recorded again while no choice is made, the latest offer wins) → `chosen` (one per
purchase request, with the reason kept) | `declined` (every other open quotation of the request
when one is chosen); `requested` or `received` may be `withdrawn` before a choice. `chosen`,
`declined` and `withdrawn` are final. A move from the wrong status is a 409 naming the statuses
it is possible from."""
from services.chassis.errors import Conflict

REQUESTED, RECEIVED, CHOSEN, DECLINED, WITHDRAWN = (
    "requested", "received", "chosen", "declined", "withdrawn")
STATUSES = (REQUESTED, RECEIVED, CHOSEN, DECLINED, WITHDRAWN)
OPEN = (REQUESTED, RECEIVED)            # may be (re)recorded, withdrawn; declined by a choice
CHOOSABLE = (RECEIVED,)
OFFERED = (RECEIVED, CHOSEN, DECLINED)  # carry an offer that was on the table


def refuse(quotation, what, allowed_from):
    """409 unless the quotation is in one of `allowed_from` (nothing changes)."""
    if quotation.status not in allowed_from:
        raise Conflict(f"Quotation {quotation.id} is {quotation.status}: {what} is not "
                       f"possible.", {"id": quotation.id, "allowed": list(allowed_from)})
