"""Deciding a request's quotations (issue 14): choose one received offer — its reason required
(422), still valid on the day it is chosen (UTC; past its valid_until: 409), from a supplier
still active (409) — and every other open quotation of the request is declined; a second
choice is a 409 naming the chosen one (the same choice retried with its Idempotency-Key
answers its first answer). Withdraw a requested or received quotation before a choice (the
reason optional). `quotation_chosen` names the ones declined; `quotation_withdrawn`."""
from services.chassis.errors import Conflict
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.procurement import metrics
from services.procurement.sourcing import schemas, statuses
from services.procurement.sourcing.handlers.asking import require_active, require_no_choice
from services.procurement.sourcing.handlers.record import dump, for_write, of_request
from services.procurement.suppliers.record import one as supplier_one


def expired(quotation, today):
    return quotation.valid_until is not None and quotation.valid_until < today


def _decide(quotation, status, principal, now, reason=None):
    quotation.status, quotation.decided_by, quotation.decided_at = status, principal.user_id, now
    quotation.updated_at = now
    if reason is not None:
        quotation.choice_reason = reason


def choose_quotation(uow, principal, quotation_id, data):
    fields, session = load(schemas.QuotationChoice, data), uow.session
    quotation, request = for_write(session, principal, quotation_id)
    require_no_choice(session, request)
    statuses.refuse(quotation, "choosing it", statuses.CHOOSABLE)
    now = utcnow()
    if expired(quotation, now.date()):
        raise Conflict(f"The offer of quotation {quotation.id} was valid until "
                       f"{quotation.valid_until}: ask the supplier to record it again.",
                       {"id": quotation.id, "valid_until": quotation.valid_until.isoformat()})
    require_active(supplier_one(session, quotation.supplier_id))
    declined = [other for other in of_request(session, request.id)
                if other.id != quotation.id and other.status in statuses.OPEN]
    for other in declined:
        _decide(other, statuses.DECLINED, principal, now)
    _decide(quotation, statuses.CHOSEN, principal, now, reason=fields["reason"])
    session.flush()
    uow.emit("quotation_chosen", {
        "quotation_id": quotation.id, "request_id": request.id,
        "supplier_id": quotation.supplier_id, "currency": quotation.currency,
        "total": quotation.total, "reason": fields["reason"],
        "declined": [other.id for other in declined], "chosen_by": principal.user_id,
        "chosen_at": now})
    metrics.quotation_moved(statuses.CHOSEN)
    if declined:
        metrics.quotation_moved(statuses.DECLINED, len(declined))
    return dump(session, quotation)


def withdraw_quotation(uow, principal, quotation_id, data=None):
    fields, session = load(schemas.QuotationWithdrawal, data or {}), uow.session
    quotation, request = for_write(session, principal, quotation_id)
    statuses.refuse(quotation, "withdrawing it", statuses.OPEN)
    now = utcnow()
    _decide(quotation, statuses.WITHDRAWN, principal, now, reason=fields.get("reason"))
    session.flush()
    uow.emit("quotation_withdrawn", {
        "quotation_id": quotation.id, "request_id": request.id,
        "supplier_id": quotation.supplier_id, "reason": fields.get("reason"),
        "withdrawn_by": principal.user_id, "withdrawn_at": now})
    metrics.quotation_moved(statuses.WITHDRAWN)
    return dump(session, quotation)
