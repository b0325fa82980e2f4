"""target_at_risk, run by a timer: a rep or region target whose period is under way, with at
least 20% of it elapsed and attained < expected_by_now × SALES_TARGET_RISK_RATIO (default 0.8).

At most once per target per UTC day: a conditional UPDATE ... WHERE at_risk_notified_on is not
today claims the day in the target's own transaction and the event is emitted only when that
UPDATE changed the row — a second replica's UPDATE waits for the row lock, then matches nothing.
"""

from sqlalchemy import or_, select

from services.chassis.models import utcnow
from services.chassis.periodic import claim, mark_each
from services.sales.targets.handlers import attainment
from services.sales.targets.handlers.periods import pace
from services.sales.targets.models import SalesTarget

WATCHED = ("rep", "region")


def _not_today(today):
    return or_(SalesTarget.at_risk_notified_on.is_(None), SalesTarget.at_risk_notified_on != today)


def _candidates(session, today):
    return list(session.scalars(select(SalesTarget.id).where(
        SalesTarget.scope.in_(WATCHED), SalesTarget.period_start <= today,
        SalesTarget.period_end >= today, _not_today(today)).order_by(SalesTarget.id)))


def check_target(uow, target_id, now):
    """True if this call found the target at risk and emitted target_at_risk."""
    session, today = uow.session, now.date()
    target = session.get(SalesTarget, target_id)
    if target is None:
        return False
    attained = attainment.attained(session, target)
    found = pace(target.amount, attained, target.period_start, target.period_end, now)
    if not found or not found["at_risk"]:
        return False
    if not claim(session, SalesTarget, SalesTarget.id == target_id, _not_today(today),
                 at_risk_notified_on=today):
        return False
    uow.emit("target_at_risk", {
        "id": target.id, "period_kind": target.period_kind, "period_start": target.period_start,
        "period_end": target.period_end, "scope": target.scope,
        "scope_value": target.scope_value or None, "measure": target.measure,
        "amount": target.amount, "attained": attained,
        "expected_by_now": found["expected_by_now"], "pace_percent": found["pace_percent"] or 0,
        "currency": target.currency, "detected_at": now})
    return True


def detect_at_risk(db, now=None):
    """Check every watched target under way; the number this call announced."""
    now = now or utcnow()
    return mark_each(db, lambda session: _candidates(session, now.date()),
                     lambda uow, target_id: check_target(uow, target_id, now),
                     "target(s) at risk")
