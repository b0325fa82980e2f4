"""reporting's customer_at_risk makes one follow-up task for the customer's owner: due
SALES_CHURN_RISK_TASK_DAYS after the event, its notes naming the heaviest factors; a repeat
of the event (the inbox purged: only the origin key remembers) makes none; a new crossing
(another event) makes another; a customer without an owner gets none."""
import uuid
from types import SimpleNamespace

from sqlalchemy import select

from services.chassis import inbox
from services.sales.service import SalesService
from services.sales.tasks.handlers import at_risk
from services.sales.tasks.models import Task
from tests.unit.sales.support import REP_A, user_event
from tests.unit.sales.task_support import listed

FACTORS = [{"factor": "purchase_frequency", "points": 25.0, "max_points": 25,
            "detail": "0 purchase(s) in the last 90 days against 1.0 expected"},
           {"factor": "open_tickets", "points": 0.0, "max_points": 10, "detail": "0 tickets"},
           {"factor": "low_satisfaction", "points": 6.7, "max_points": 10, "detail": "CSAT 40"}]


def event(owner_id=REP_A.user_id, customer_id="c-1"):
    return {"event_id": str(uuid.uuid4()), "event_type": "customer_at_risk", "version": 1,
            "occurred_at": "2026-03-02T08:00:00+00:00", "source": "reporting", "sequence": 1,
            "actor": "system", "payload": {"customer_id": customer_id, "owner_id": owner_id,
                                           "score": 72, "threshold": 70, "as_of": "2026-03-02",
                                           "factors": FACTORS}}


def tasks(db):
    with db.read_only() as session:
        return [SimpleNamespace(**{column: getattr(task, column) for column in (
            "id", "assignee_id", "customer_id", "kind", "title", "due_at", "notes")})
            for task in session.scalars(select(Task).where(Task.origin == "churn_risk"))]


def test_one_task_for_the_owner_per_event(db):
    user_event(db, REP_A)
    first = event()
    assert inbox.consume(db, SalesService.subscriptions, first) == inbox.PROCESSED
    assert inbox.consume(db, SalesService.subscriptions, first) == inbox.DUPLICATE
    with db.unit_of_work() as uow:                  # past the inbox: the origin key holds
        at_risk.apply_customer_at_risk(uow, first)
    (task,) = tasks(db)
    assert (task.assignee_id, task.customer_id, task.kind) == (REP_A.user_id, "c-1", "follow_up")
    assert task.title == "Customer at risk of churning (score 72): get in touch"
    assert task.due_at.isoformat() == "2026-03-04T08:00:00+00:00"
    assert task.notes.splitlines()[1:] == [
        "- 0 purchase(s) in the last 90 days against 1.0 expected (25 points)",
        "- CSAT 40 (6.7 points)"]                   # heaviest first, none of the zero ones
    assert [t["id"] for t in listed(db)["items"]] == [task.id]      # the rep sees it
    inbox.consume(db, SalesService.subscriptions, event())          # crossed again later
    assert len(tasks(db)) == 2


def test_no_owner_no_task(db):
    inbox.consume(db, SalesService.subscriptions, event(owner_id=None))
    assert tasks(db) == []
