"""Who sees which purchase requests, always inside the query (DESIGN.md §6):

- admins and buyers: every request (buyers source them);
- managers: their own and their team's (the requests they approve);
- anyone else: their own.
Someone else's request is NotFound, never Forbidden: existence does not leak. Who may decide a
step is approval.py's question (a request one can see is not one one may approve)."""
from sqlalchemy import or_, select, true

from services.chassis.errors import NotFound
from services.procurement import roles
from services.procurement.requests.models import PurchaseRequest


def condition(principal):
    if principal.is_admin or principal.role == roles.BUYER:
        return true()
    own = PurchaseRequest.requester_id == principal.user_id
    if principal.role == "manager" and principal.team_id:
        return or_(own, PurchaseRequest.requester_team_id == principal.team_id)
    return own


def one(session, principal, request_id, for_write=False):
    if not isinstance(request_id, str) or len(request_id) > 36:
        raise NotFound(f"No purchase request {request_id}.", {"id": str(request_id)[:36]})
    query = select(PurchaseRequest).where(PurchaseRequest.id == request_id, condition(principal))
    if for_write:
        query = query.with_for_update()
    found = session.scalar(query)
    if found is None:
        raise NotFound(f"No purchase request {request_id}.", {"id": request_id})
    return found
