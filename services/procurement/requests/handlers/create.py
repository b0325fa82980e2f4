"""A purchase request's life before and around its approval: create (a draft, or submitted at
once), change a draft (lines replaced as a whole; the total follows), submit (its approval
chain fixed from the policy in force: policy.py), cancel (the requester, or an admin, while it
is a draft or pending). Each a published event; wrong state 409, nothing changed."""
from sqlalchemy import delete, update

from services.chassis.errors import Forbidden, Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.procurement import metrics
from services.procurement.requests import policy, schemas, scopes, statuses
from services.procurement.requests.handlers.record import (MAX_TOTAL, dump, line_total, new_id,
                                                           payload)
from services.procurement.requests.models import (PurchaseRequest, PurchaseRequestLine,
                                                  PurchaseRequestStep)

EDITABLE = ("title", "justification", "currency")


def _write_lines(session, request, lines):
    """Replace the request's lines; returns their exact total (422 from 10^15 on)."""
    totals = [line_total(line["quantity"], line["estimated_unit_price"]) for line in lines]
    total = sum(totals)
    if total >= MAX_TOTAL:
        raise Invalid("The request is not valid.", {"lines": [
            "The lines add up to 10^15 or more."]})
    session.execute(delete(PurchaseRequestLine)
                    .where(PurchaseRequestLine.request_id == request.id))
    for position, (line, amount) in enumerate(zip(lines, totals), start=1):
        session.add(PurchaseRequestLine(id=new_id(), request_id=request.id, position=position,
                                        line_total=amount, **line))
    request.total = total


def create_request(uow, principal, data):
    fields, session = load(schemas.RequestCreate, data), uow.session
    lines, submit = fields.pop("lines"), fields.pop("submit")
    now = utcnow()
    request = PurchaseRequest(id=new_id(), requester_id=principal.user_id,
                              requester_team_id=principal.team_id, status=statuses.DRAFT,
                              created_at=now, updated_at=now, **fields)
    _write_lines(session, request, lines)
    session.add(request)
    session.flush()
    uow.emit("purchase_request_created", payload(session, request))
    if submit:
        _submit(uow, principal, request)
    return dump(session, request)


def _own(principal, request, what):
    if request.requester_id != principal.user_id and not principal.is_admin:
        raise Forbidden(f"Only its requester may {what} purchase request {request.id}.",
                        {"id": request.id})


def update_request(uow, principal, request_id, data):
    fields, session = load(schemas.RequestUpdate, data), uow.session
    request = scopes.one(session, principal, request_id, for_write=True)
    _own(principal, request, "change")
    statuses.refuse(request, "changing it", statuses.EDITABLE)
    lines = fields.pop("lines", None)
    changed = sorted(name for name in EDITABLE if name in fields
                     and getattr(request, name) != fields[name])
    if not changed and lines is None:
        return dump(session, request)
    for name in changed:
        setattr(request, name, fields[name])
    if lines is not None:
        _write_lines(session, request, lines)
        changed.append("lines")
    request.updated_at = utcnow()
    session.flush()
    uow.emit("purchase_request_updated", {**payload(session, request), "changed": changed,
                                          "changed_by": principal.user_id})
    return dump(session, request)


def submit_request(uow, principal, request_id):
    session = uow.session
    request = scopes.one(session, principal, request_id, for_write=True)
    _own(principal, request, "submit")
    statuses.refuse(request, "submitting it", statuses.EDITABLE)
    _submit(uow, principal, request)
    return dump(session, request)


def _submit(uow, principal, request):
    session, now = uow.session, utcnow()
    roles = policy.chain(session, request.currency, request.total)
    for position, role in enumerate(roles, start=1):
        session.add(PurchaseRequestStep(
            id=new_id(), request_id=request.id, position=position, role=role,
            status=statuses.STEP_PENDING if position == 1 else statuses.WAITING))
    request.status, request.current_step = statuses.PENDING, 1
    request.submitted_at = request.updated_at = now
    session.flush()
    uow.emit("purchase_request_submitted", {
        "request_id": request.id, "requester_id": request.requester_id,
        "currency": request.currency, "total": request.total, "steps": roles,
        "submitted_at": now})
    metrics.request_submitted(len(roles))


def cancel_request(uow, principal, request_id):
    session = uow.session
    request = scopes.one(session, principal, request_id, for_write=True)
    _own(principal, request, "cancel")
    statuses.refuse(request, "cancelling it", statuses.CANCELLABLE)
    now, previous = utcnow(), request.status
    skip_undecided(session, request)
    request.status, request.current_step = statuses.CANCELLED, None
    request.updated_at = request.decided_at = now
    session.flush()
    uow.emit("purchase_request_cancelled", {"request_id": request.id, "from_status": previous,
                                            "cancelled_by": principal.user_id,
                                            "cancelled_at": now})
    return dump(session, request)


def skip_undecided(session, request):
    session.execute(update(PurchaseRequestStep).where(
        PurchaseRequestStep.request_id == request.id,
        PurchaseRequestStep.status.in_((statuses.WAITING, statuses.STEP_PENDING)))
        .values(status=statuses.SKIPPED))

