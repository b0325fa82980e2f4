"""Tasks, follow-up rules and birthdays for the task handler tests."""
import itertools
from datetime import timedelta

from services.chassis.models import utcnow
from services.sales.tasks.handlers import birthdays, follow_ups, tasks
from tests.unit.sales.support import REP_A, call

_sequence = itertools.count(1000)


def in_hours(hours):
    return (utcnow() + timedelta(hours=hours)).isoformat()


def task(db, principal=REP_A, hours=24, **data):
    data.setdefault("title", "Call back")
    data.setdefault("customer_id", "c-1")
    return call(db, tasks.create_task, principal, {"due_at": in_hours(hours), **data})


def listed(db, principal=REP_A, **query):
    return call(db, tasks.list_tasks, principal, query, write=False)


def seed_rules(db):
    with db.unit_of_work() as uow:
        follow_ups.seed_default(uow.session)


def customers_event(db, event_type, payload):
    with db.unit_of_work() as uow:
        handler = birthdays.handlers()[event_type]
        handler(uow, {"event_id": f"ev-c-{next(_sequence)}", "event_type": event_type,
                      "source": "customers", "sequence": next(_sequence), "payload": payload})


def contact(db, contact_id="ct-1", birthday="1980-02-29", owner_id=REP_A.user_id, **extra):
    customers_event(db, "contact_added", {
        "id": contact_id, "customer_id": extra.pop("customer_id", "c-1"), "name": "Li Wei",
        "role": None, "birthday": birthday, "owner_id": owner_id,
        "created_at": "2026-01-01T00:00:00+00:00", **extra})
