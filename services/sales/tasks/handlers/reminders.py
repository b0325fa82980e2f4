"""Reminders: `task_due` once per task when its due time passes while it is open (a timer), and
the renewal task when a contract's renewal falls due.

A task is marked by a conditional UPDATE ... WHERE due_notified_at IS NULL in its own
transaction and the event is emitted only when that UPDATE changed the row: with two sales
replicas running the timer, the second one's UPDATE waits for the first's lock (PostgreSQL row
lock, SQLite write lock), then matches nothing — one task_due per task (again only after its
due time is changed or it is reopened, handlers/tasks.py).
"""
import logging

from sqlalchemy import select

from services.chassis.models import utcnow
from services.chassis.periodic import claim, mark_each
from services.sales.tasks.handlers import tasks
from services.sales.tasks.models import Task

log = logging.getLogger(__name__)
BATCH = 200


def _due_condition(now):
    return (Task.status == "open", Task.due_at <= now, Task.due_notified_at.is_(None))


def mark_due(uow, task_id, now):
    """True if this call marked the task (and emitted task_due)."""
    session = uow.session
    if not claim(session, Task, Task.id == task_id, *_due_condition(now),
                 due_notified_at=utcnow()):
        return False
    task = session.scalar(select(Task).where(Task.id == task_id)
                          .execution_options(populate_existing=True))
    uow.emit("task_due", tasks.record(task))
    return True


def detect_due_tasks(db, now=None, batch=BATCH):
    """Announce every open task whose due time has passed; the number this call announced."""
    now = now or utcnow()

    def find(session, limit):
        return session.scalars(select(Task.id).where(*_due_condition(now))
                               .order_by(Task.due_at, Task.id).limit(limit))
    return mark_each(db, find, lambda uow, task_id: mark_due(uow, task_id, now),
                     "task(s) became due", batch=batch)


def on_contract_renewal_due(uow, contract, actor="system"):
    """The renewal task for the contract's owner, due when the renewal was detected (the notice
    period starts now; the title says when the contract ends). Call in the transaction that
    emits contract_renewal_due, with the payload as emitted (`ends_on` a date, `detected_at` an
    aware datetime): reminders.on_contract_renewal_due(uow, payload). One per contract and end
    date (calling it twice makes one task)."""
    if not contract.get("owner_id"):
        log.warning("contract %s has no owner: no renewal task", contract.get("id"))
        return None
    ends_on = contract["ends_on"]
    return tasks.new_task(
        uow, title=f"Renewal: contract {contract['number']} ends on {ends_on.isoformat()}",
        kind="renewal", assignee_id=contract["owner_id"],
        due_at=contract.get("detected_at") or utcnow(), origin="renewal",
        origin_key=f"renewal:{contract['id']}:{ends_on.isoformat()}", created_by=actor,
        customer_id=contract.get("customer_id"), deal_id=contract.get("deal_id"))
