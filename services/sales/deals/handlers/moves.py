"""Moving a deal through the pipeline, with its history (who, when, from, to).

Rules: the target must be an active stage other than the current one; a lost deal needs a
reason; a closed (won or lost) deal is reopened — or switched between won and lost — only by a
manager or an admin. Every accepted move is one history row and one `deal_stage_changed`
event, plus `deal_won` / `deal_lost` when it closes the deal, and the entered stage's follow-up
task for the owner if a rule asks for one (tasks/handlers/follow_ups.py; live moves only).
"""
from services.chassis.errors import Conflict, Forbidden, Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.sales import scopes
from services.sales.deals import schemas
from services.sales.deals.handlers import deals, pipeline
from services.sales.deals.models import Deal, DealStageChange
from services.sales.tasks.handlers import follow_ups

REOPENERS = ("manager",)          # and admin (is_admin)


def check_move(principal, current, target, lost_reason):
    """Raise if moving from stage `current` to `target` is not allowed for `principal`."""
    if target.key == current.key:
        raise Conflict(f"The deal is already in {current.key}.", {"stage": current.key})
    if current.kind != "open" and not (principal.is_admin or principal.role in REOPENERS):
        raise Forbidden(f"The deal is {current.kind}; only a manager or an admin may reopen "
                        f"or re-close it.", {"stage": current.key})
    if target.kind == "lost" and not lost_reason:
        raise Invalid("The request is not valid.",
                      {"lost_reason": ["Required when a deal is lost."]})


def move_deal(uow, principal, deal_id, data, now=None):
    """`now`: when the move happens (the real time, unless a test fixes it)."""
    session = uow.session
    data = load(schemas.StageMove, data)
    deal = scopes.one(session, principal, Deal, deal_id, for_write=True)
    current = pipeline.stage(session, deal.stage)
    target = pipeline.target_stage(session, data["stage"])
    reason = data.get("lost_reason")
    check_move(principal, current, target, reason)
    if target.kind == "won" and deal.customer_id is None:
        raise Conflict("A deal without a customer cannot be won; it needs a customer first.",
                       {"customer_id": None})
    now = now or utcnow()
    enter_stage(uow, principal, deal, current, target, reason, now)
    follow_ups.on_stage_entered(uow, deal, now, principal.user_id)    # in the move's transaction
    return deals.dump(session, deal)


def enter_stage(uow, principal, deal, current, target, reason, at, deal_lines=None):
    """Move `deal` from `current` to `target` at `at` (now for a live move, the business time
    for an import replaying history): one history row, the same events either way."""
    session = uow.session
    deal.stage, deal.stage_changed_at, deal.updated_at = target.key, at, at
    deal.lost_reason = reason if target.kind == "lost" else None
    deal.closed_at = at if target.kind != "open" else None
    session.add(DealStageChange(deal_id=deal.id, from_stage=current.key, to_stage=target.key,
                                changed_by=principal.user_id, changed_at=at, reason=reason))
    uow.emit("deal_stage_changed", {
        "deal_id": deal.id, "from_stage": current.key, "to_stage": target.key,
        "probability": target.probability, "amount": deal.amount, "currency": deal.currency,
        "owner_id": deal.owner_id, "changed_by": principal.user_id, "changed_at": at,
        "reason": reason})
    if target.kind in ("won", "lost"):
        uow.emit(f"deal_{target.kind}", {**deals.record(session, deal, deal_lines,
                                                        target.probability),
                                         "changed_by": principal.user_id})
