"""Reminders: task_due once per task when its due time passes while open; the renewal task;
birthdays from customers' contact events — a task for the customer's owner N days before,
once per contact per year, 29 February on 28 February in other years."""
from datetime import date, datetime, timedelta, timezone

from services.chassis.models import utcnow
from services.sales.tasks.handlers import birthdays, reminders, tasks
from tests.unit.sales.support import REP_A, REP_B, call, events
from tests.unit.sales.task_support import contact, customers_event, listed, task


def test_task_due_is_emitted_once_when_the_due_time_passes_while_open(db):
    due, later, done = task(db, hours=-1), task(db, hours=5), task(db, hours=-2)
    call(db, tasks.complete_task, REP_A, done["id"])
    assert reminders.detect_due_tasks(db) == 1
    assert reminders.detect_due_tasks(db) == 0                 # once
    assert call(db, tasks.get_task, REP_A, due["id"], write=False)["due_notified_at"]
    assert call(db, tasks.get_task, REP_A, later["id"], write=False)["due_notified_at"] is None
    (_, payload), = events(db, "task_due")
    assert (payload["id"], payload["status"], payload["assignee_id"]) == (due["id"], "open",
                                                                          REP_A.user_id)
    assert reminders.detect_due_tasks(db, now=utcnow() + timedelta(hours=6)) == 1   # `later`
    assert [p["id"] for _, p in events(db, "task_due")] == [due["id"], later["id"]]
    # a new due time is due again (once)
    call(db, tasks.update_task, REP_A, due["id"],
         {"due_at": (utcnow() - timedelta(minutes=1)).isoformat()})
    assert reminders.detect_due_tasks(db) == 1 and reminders.detect_due_tasks(db) == 0


def test_marking_is_conditional_so_a_second_replica_gets_nothing(db):
    due = task(db, hours=-1)
    now = utcnow()
    with db.unit_of_work() as uow:
        assert reminders.mark_due(uow, due["id"], now) is True
    with db.unit_of_work() as uow:                             # the other replica, a moment later
        assert reminders.mark_due(uow, due["id"], now) is False
    assert len(events(db, "task_due")) == 1


def test_renewal_reminder_once_per_contract_end(db):
    contract = {"id": "k-1", "number": "C-2026-00001", "customer_id": "c-1",
                "owner_id": REP_B.user_id, "ends_on": date(2026, 12, 31), "value": "100.00",
                "currency": "EUR", "detected_at": datetime(2026, 11, 1, 6, tzinfo=timezone.utc)}
    with db.unit_of_work() as uow:
        made = reminders.on_contract_renewal_due(uow, contract)
        assert reminders.on_contract_renewal_due(uow, contract) is None
    (listed_task,) = listed(db, REP_B)["items"]
    assert listed_task["id"] == made.id
    assert (listed_task["kind"], listed_task["origin"], listed_task["due_at"]) == (
        "renewal", "renewal", "2026-11-01T06:00:00+00:00")
    assert "C-2026-00001" in listed_task["title"] and "2026-12-31" in listed_task["title"]
    with db.unit_of_work() as uow:                             # renewed: a new end, a new reminder
        assert reminders.on_contract_renewal_due(uow, {**contract, "ends_on": date(2027, 12, 31)})
        assert reminders.on_contract_renewal_due(uow, {**contract, "owner_id": None,
                                                       "ends_on": date(2028, 1, 1)}) is None


def birthday_tasks(db, principal=REP_A):
    return [item for item in listed(db, principal)["items"] if item["origin"] == "birthday"]


def test_birthday_task_n_days_before_once_per_year(db, monkeypatch):
    monkeypatch.setenv("SALES_BIRTHDAY_NOTICE_DAYS", "7")
    contact(db, "ct-1", birthday="1975-06-15")
    contact(db, "ct-2", birthday=None)                        # unknown: not kept
    assert birthdays.create_birthday_tasks(db, today=date(2026, 6, 7)) == 0     # 8 days before
    assert birthdays.create_birthday_tasks(db, today=date(2026, 6, 8)) == 1     # 7 days before
    assert birthdays.create_birthday_tasks(db, today=date(2026, 6, 9)) == 0     # once
    assert birthdays.create_birthday_tasks(db, today=date(2026, 6, 15)) == 0
    (made,) = birthday_tasks(db)
    assert (made["kind"], made["customer_id"], made["assignee_id"], made["due_at"]) == (
        "birthday", "c-1", REP_A.user_id, "2026-06-15T09:00:00+00:00")
    assert "Li Wei" in made["title"]
    assert birthdays.create_birthday_tasks(db, today=date(2027, 6, 10)) == 1    # next year
    assert len(birthday_tasks(db)) == 2
    (_, created), _ = events(db, "task_created")
    assert created["origin"] == "birthday" and created["created_by"] == "system"


def test_29_february_is_the_28th_in_other_years(db):
    assert birthdays.birthday_in(2027, date(1980, 2, 29)) == date(2027, 2, 28)
    assert birthdays.birthday_in(2028, date(1980, 2, 29)) == date(2028, 2, 29)
    contact(db, "ct-leap", birthday="1980-02-29")
    assert birthdays.create_birthday_tasks(db, today=date(2027, 2, 21), days=7) == 1
    assert birthdays.create_birthday_tasks(db, today=date(2027, 2, 28), days=7) == 0
    assert birthdays.create_birthday_tasks(db, today=date(2027, 3, 1), days=7) == 0
    assert birthdays.create_birthday_tasks(db, today=date(2028, 2, 22), days=7) == 1
    assert [t["due_at"][:10] for t in birthday_tasks(db)] == ["2027-02-28", "2028-02-29"]


def test_across_new_year_and_owner_changes(db):
    contact(db, "ct-jan", birthday="1990-01-02", owner_id=None)
    assert birthdays.create_birthday_tasks(db, today=date(2026, 12, 28), days=7) == 0  # no owner
    customers_event(db, "customer_assigned", {"id": "c-1", "owner_id": REP_B.user_id,
                                              "previous_owner_id": None, "region": None,
                                              "reason": "manual", "assigned_by": "u-admin"})
    assert birthdays.create_birthday_tasks(db, today=date(2026, 12, 28), days=7) == 1
    assert birthdays.create_birthday_tasks(db, today=date(2027, 1, 1), days=7) == 0  # same year
    (made,) = birthday_tasks(db, REP_B)
    assert made["due_at"] == "2027-01-02T09:00:00+00:00"
    customers_event(db, "customer_merged", {"winner_id": "c-7", "loser_id": "c-1",
                                            "merged_at": "2027-01-05T00:00:00+00:00",
                                            "contacts_moved": 1, "interactions_moved": 0,
                                            "tags": []})
    assert birthdays.create_birthday_tasks(db, today=date(2027, 12, 30), days=7) == 1
    assert birthday_tasks(db, REP_B)[-1]["customer_id"] == "c-7"
    contact(db, "ct-jan", birthday=None)                      # the birthday removed: forgotten
    assert birthdays.create_birthday_tasks(db, today=date(2028, 12, 30), days=7) == 0


def test_an_assignment_reaches_a_contact_added_earlier_in_the_same_batch(db):
    """One unit of work, as a live batch applies them: the owner's UPDATE must see the contact
    the batch's earlier event added (flushed first), or the birthday task goes to no one."""
    with db.unit_of_work() as uow:
        handlers = birthdays.handlers()
        handlers["contact_added"](uow, {
            "event_id": "ev-b-1", "event_type": "contact_added", "source": "customers",
            "sequence": 1, "payload": {
                "id": "ct-new", "customer_id": "c-new", "name": "Wang Fang", "role": None,
                "birthday": "1990-01-02", "owner_id": None,
                "created_at": "2026-01-01T00:00:00+00:00"}})
        handlers["customer_assigned"](uow, {
            "event_id": "ev-b-2", "event_type": "customer_assigned", "source": "customers",
            "sequence": 2, "payload": {"id": "c-new", "owner_id": REP_B.user_id,
                                       "previous_owner_id": None, "region": None,
                                       "reason": "round_robin", "assigned_by": "system"}})
    assert birthdays.create_birthday_tasks(db, today=date(2026, 12, 28), days=7) == 1
    assert [t["customer_id"] for t in birthday_tasks(db, REP_B)] == ["c-new"]
