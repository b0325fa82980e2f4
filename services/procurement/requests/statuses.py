"""A purchase request's status (issue 14): `draft` (the requester edits it) → `pending_approval`
(submitted; its steps decide in order) → `approved` (may be sourced and ordered) or `rejected`
(final: it can never be ordered); a draft or pending request may be `cancelled` by its
requester (final). Orders (later) take approved requests only: `require_orderable`.

Steps: the first `pending`, the rest `waiting`; an approval makes the next one pending; a
rejection or a cancellation marks the undecided ones `skipped`."""
from services.chassis.errors import Conflict

DRAFT, PENDING, APPROVED, REJECTED, CANCELLED = (
    "draft", "pending_approval", "approved", "rejected", "cancelled")
STATUSES = (DRAFT, PENDING, APPROVED, REJECTED, CANCELLED)
EDITABLE = (DRAFT,)
CANCELLABLE = (DRAFT, PENDING)
ORDERABLE = (APPROVED,)

WAITING, STEP_PENDING, STEP_APPROVED, STEP_REJECTED, SKIPPED = (
    "waiting", "pending", "approved", "rejected", "skipped")


def refuse(request, what, allowed_from):
    """409 unless the request is in one of `allowed_from` (nothing changes)."""
    if request.status not in allowed_from:
        raise Conflict(f"Purchase request {request.id} is {request.status}: {what} is not "
                       f"possible.", {"id": request.id, "allowed": list(allowed_from)})


def require_orderable(request):
    """What an order (or a quotation round) asks of its request: approved — a rejected,
    cancelled or undecided request is a 409."""
    refuse(request, "ordering it", ORDERABLE)
