"""Deciding a purchase request's pending step (issue 14): approve, or reject with a comment.

Who may decide a step (403 otherwise, and nothing changes):
- a `manager` step: a manager of the requester's team (any manager when the requester has no
  team), or an admin; a `buyer` step: a buyer or an admin; an `admin` step: an admin;
- never the requester, and never someone who decided an earlier step of the same request (two
  steps are two people).
A request that is not pending is a 409 (a rejected one stays rejected: it can never be
ordered). The same approval sent twice applies once: with the same Idempotency-Key the chassis
answers the first answer (services/chassis/idempotency.py); without one, the second finds the
next step (someone else's: 403) or a decided request (409) — never a second step approved.
Every decision is an event: purchase_request_step_approved, then purchase_request_approved
after the last step; purchase_request_rejected."""
from services.chassis.errors import Forbidden, Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.procurement import metrics, roles
from services.procurement.requests import schemas, scopes, statuses
from services.procurement.requests.handlers.create import skip_undecided
from services.procurement.requests.handlers.record import dump, steps_of


def may_decide(principal, request, step):
    """None if `principal` may decide `step` of `request`, else why not."""
    if principal.user_id == request.requester_id:
        return "A requester cannot approve or reject their own purchase request."
    if step.role == "admin" and not principal.is_admin:
        return "This step is an admin's."
    if step.role == roles.BUYER and not (principal.is_admin or principal.role == roles.BUYER):
        return "This step is a buyer's."
    if step.role == "manager" and not principal.is_admin:
        if principal.role != "manager":
            return "This step is a manager's."
        if request.requester_team_id and principal.team_id != request.requester_team_id:
            return "This step is for a manager of the requester's team."
    return None


def _pending(session, principal, request_id):
    request = scopes.one(session, principal, request_id, for_write=True)
    statuses.refuse(request, "deciding it", (statuses.PENDING,))
    steps = steps_of(session, request.id)
    step = next(step for step in steps if step.position == request.current_step)
    why_not = may_decide(principal, request, step)
    if why_not is None and any(earlier.decided_by == principal.user_id for earlier in steps
                               if earlier.position < step.position):
        why_not = "You decided an earlier step of this request: another person decides this one."
    if why_not:
        metrics.decision_refused(step.role)
        raise Forbidden(why_not, {"id": request.id})
    return request, steps, step


def _decide(step, status, principal, comment, now):
    step.status, step.decided_by, step.decided_at, step.comment = (
        status, principal.user_id, now, comment)


def _event(request, step, next_step):
    return {"request_id": request.id, "position": step.position, "role": step.role,
            "decided_by": step.decided_by, "comment": step.comment,
            "decided_at": step.decided_at, "next_role": next_step.role if next_step else None}


def approve_request(uow, principal, request_id, data=None):
    fields, session = load(schemas.ApprovalDecision, data or {}), uow.session
    request, steps, step = _pending(session, principal, request_id)
    now = utcnow()
    _decide(step, statuses.STEP_APPROVED, principal, fields.get("comment"), now)
    following = next((s for s in steps if s.position == step.position + 1), None)
    request.updated_at = now
    if following is not None:
        following.status, request.current_step = statuses.STEP_PENDING, following.position
    else:
        request.status, request.current_step, request.decided_at = statuses.APPROVED, None, now
    session.flush()
    uow.emit("purchase_request_step_approved", _event(request, step, following))
    metrics.step_decided(step.role, "approved")
    if following is None:
        uow.emit("purchase_request_approved", {
            "request_id": request.id, "requester_id": request.requester_id,
            "currency": request.currency, "total": request.total,
            "submitted_at": request.submitted_at, "approved_at": now})
    return dump(session, request)


def reject_request(uow, principal, request_id, data=None):
    fields, session = load(schemas.ApprovalDecision, data or {}), uow.session
    if not fields.get("comment"):
        raise Invalid("The request is not valid.", {"comment": ["Say why it is rejected."]})
    request, _steps, step = _pending(session, principal, request_id)
    now = utcnow()
    _decide(step, statuses.STEP_REJECTED, principal, fields["comment"], now)
    skip_undecided(session, request)
    request.status, request.current_step = statuses.REJECTED, None
    request.updated_at = request.decided_at = now
    session.flush()
    uow.emit("purchase_request_rejected", _event(request, step, None))
    metrics.step_decided(step.role, "rejected")
    return dump(session, request)
