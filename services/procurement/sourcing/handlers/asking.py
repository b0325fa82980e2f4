"""Asking suppliers to quote for an approved purchase request (issue 14): a buyer names several
suppliers at once; each must be in the book and `active` (on hold or blocked: 409), asked once
per request (again: 409 naming the quotation there), and the request must be approved (409) and
not decided yet (a quotation chosen: 409 naming it). All or nothing: one refusal asks nobody.
One `quotation_requested` per supplier."""
from sqlalchemy import select

from services.chassis.errors import Conflict, Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.procurement import metrics
from services.procurement.requests import scopes as request_scopes, statuses as request_statuses
from services.procurement.requests.handlers.record import new_id
from services.procurement.sourcing import schemas, statuses
from services.procurement.sourcing.handlers.record import chosen_of, dump_many
from services.procurement.sourcing.models import Quotation
from services.procurement.suppliers import statuses as supplier_statuses
from services.procurement.suppliers.models import Supplier


def require_no_choice(session, request):
    chosen = chosen_of(session, request.id)
    if chosen is not None:
        raise Conflict(f"Purchase request {request.id} has its quotation chosen: {chosen.id}.",
                       {"id": chosen.id})


def require_active(supplier):
    """Quotations and contracts go to active suppliers only (on hold: no new business)."""
    if supplier.status != supplier_statuses.ACTIVE:
        raise Conflict(f"Supplier {supplier.id} is {supplier.status}: only an active supplier "
                       f"may be asked, chosen or contracted.",
                       {"id": supplier.id})


def _suppliers(session, supplier_ids):
    repeated = sorted({sid for sid in supplier_ids if supplier_ids.count(sid) > 1})
    if repeated:
        raise Invalid("The request is not valid.", {"supplier_ids": [
            f"Each supplier once: {', '.join(repeated)} repeated."]})
    found = {supplier.id: supplier for supplier in session.scalars(
        select(Supplier).where(Supplier.id.in_(supplier_ids)))}
    unknown = [sid for sid in supplier_ids if sid not in found]
    if unknown:
        raise Invalid("The request is not valid.", {"supplier_ids": [
            f"No supplier {', '.join(unknown)}."]})
    for sid in supplier_ids:
        require_active(found[sid])
    return [found[sid] for sid in supplier_ids]


def request_quotations(uow, principal, request_id, data):
    fields, session = load(schemas.QuotationsRequest, data), uow.session
    request = request_scopes.one(session, principal, request_id, for_write=True)
    request_statuses.require_orderable(request)
    require_no_choice(session, request)
    suppliers = _suppliers(session, fields["supplier_ids"])
    asked = dict(session.execute(select(Quotation.supplier_id, Quotation.id).where(
        Quotation.request_id == request.id, Quotation.supplier_id.in_(fields["supplier_ids"]))
        ).all())
    for supplier in suppliers:
        if supplier.id in asked:
            raise Conflict(f"Supplier {supplier.id} is already asked to quote for purchase "
                           f"request {request.id}.", {"id": asked[supplier.id]})
    now, created = utcnow(), []
    for supplier in suppliers:
        quotation = Quotation(id=new_id(), request_id=request.id, supplier_id=supplier.id,
                              status=statuses.REQUESTED, respond_by=fields.get("respond_by"),
                              requested_by=principal.user_id,
                              requested_at=now, updated_at=now)
        session.add(quotation)
        created.append(quotation)
    session.flush()
    for quotation in created:
        uow.emit("quotation_requested", {
            "quotation_id": quotation.id, "request_id": request.id,
            "supplier_id": quotation.supplier_id, "respond_by": quotation.respond_by,
            "requested_by": principal.user_id, "requested_at": now})
    metrics.quotation_moved(statuses.REQUESTED, len(created))
    return dump_many(session, created)
