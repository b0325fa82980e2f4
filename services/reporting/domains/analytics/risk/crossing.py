"""The churn-risk pass (a periodic job of the reporting service): score every live customer now
and publish `customer_at_risk` when one crosses the threshold upward — once per crossing: not
again while it stays at or above it, again after it has fallen below and crosses again.

Across replicas each change of a customer's state is a claim (services/chassis/periodic.py): the
conditional UPDATE from "not at risk" to "at risk" matches for one replica only, and only that
one writes the event, in the same transaction (the outbox), so a crossing is published once."""
from sqlalchemy import select

from services.chassis.db import insert_ignoring_conflicts
from services.chassis.models import utcnow
from services.chassis.periodic import claim
from services.reporting import settings
from services.reporting.domains.analytics.risk.models import ChurnRiskState
from services.reporting.domains.analytics.risk.report import scored

UP, DOWN = "up", "down"


def crossing(was_at_risk, score, threshold):
    """UP when the score reaches the threshold from below, DOWN when it falls below it from
    at risk, else None (no change of state)."""
    at_risk = score >= threshold
    if at_risk == was_at_risk:
        return None
    return UP if at_risk else DOWN


def evaluate(db, now=None, threshold=None):
    """One pass; the number of customer_at_risk events published."""
    now = now or utcnow()
    threshold = settings.churn_risk_threshold() if threshold is None else threshold
    with db.read_only() as session:
        rows = scored(session, [], now)
        states = dict(session.execute(select(ChurnRiskState.customer_id, ChurnRiskState.at_risk)).all())
    published = 0
    for row in rows:
        change = crossing(states.get(row["customer_id"], False), row["score"], threshold)
        if change:
            with db.unit_of_work() as uow:
                published += _apply(uow, row, change, threshold, now)
    return published


def _apply(uow, row, change, threshold, now):
    session, customer_id = uow.session, row["customer_id"]
    insert_ignoring_conflicts(session, ChurnRiskState,
                              {"customer_id": customer_id, "at_risk": False, "score": 0},
                              ["customer_id"])
    if not claim(session, ChurnRiskState, ChurnRiskState.customer_id == customer_id,
                 ChurnRiskState.at_risk.is_(change == DOWN),
                 at_risk=change == UP, score=row["score"], changed_at=now):
        return False                    # another replica's pass made this change
    if change == UP:
        uow.emit("customer_at_risk", {"customer_id": customer_id, "owner_id": row["owner_id"],
                                      "score": row["score"], "threshold": threshold,
                                      "as_of": now.date(), "factors": row["factors"]})
    return change == UP
