"""Who sees which quotations: whoever sees their purchase request (requests/scopes.py) —
buyers and admins every one, a manager their own and their team's requests', anyone else their
own requests'. Always inside the query (DESIGN.md §6); out of scope is NotFound, never
Forbidden. Who may write (buyers, admins) is the entrypoints' `roles.SOURCING`."""
from sqlalchemy import select

from services.chassis.errors import NotFound
from services.procurement.requests import scopes as request_scopes
from services.procurement.requests.models import PurchaseRequest
from services.procurement.sourcing.models import Quotation


def visible(principal):
    """Quotations joined to their request, limited to the requests `principal` sees."""
    return (select(Quotation).join(PurchaseRequest, PurchaseRequest.id == Quotation.request_id)
            .where(request_scopes.condition(principal)))


def one(session, principal, quotation_id, for_write=False):
    if not isinstance(quotation_id, str) or len(quotation_id) > 36:
        raise NotFound(f"No quotation {quotation_id}.", {"id": str(quotation_id)[:36]})
    query = visible(principal).where(Quotation.id == quotation_id)
    if for_write:
        query = query.with_for_update(of=Quotation)
    found = session.scalar(query)
    if found is None:
        raise NotFound(f"No quotation {quotation_id}.", {"id": quotation_id})
    return found
