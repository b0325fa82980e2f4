"""Tasks: creation rules (assignee, deal, customer), scopes (rep own, manager team, admin all),
due / overdue lists ordered by due time and paged, my tasks, change, cancel, complete, events."""
import pytest

from services.chassis.errors import Conflict, Forbidden, Invalid, NotFound
from services.sales.tasks.handlers import tasks
from tests.unit.sales.support import (ADMIN, MANAGER, MARKETER, REP_A, REP_B, REP_C, call, deal,
                                      events)
from tests.unit.sales.task_support import in_hours, listed, task


def ids(page):
    return [item["id"] for item in page["items"]]


def test_create_defaults_to_the_caller_or_the_deals_owner_and_emits(db):
    mine = task(db, REP_A, kind="call", notes="ask about Q3")
    assert (mine["assignee_id"], mine["status"], mine["origin"], mine["kind"]) == (
        REP_A.user_id, "open", "manual", "call")
    assert mine["overdue"] is False and mine["completed_at"] is None
    theirs = deal(db, REP_B, customer_id="c-9")
    on_deal = call(db, tasks.create_task, MANAGER, {"title": "Review", "deal_id": theirs["id"],
                                                    "due_at": in_hours(2)})
    assert (on_deal["assignee_id"], on_deal["customer_id"]) == (REP_B.user_id, "c-9")
    (_, created), _ = events(db, "task_created")
    assert created["id"] == mine["id"] and created["due_at"] == mine["due_at"]
    assert created["origin"] == "manual" and created["created_by"] == REP_A.user_id


def test_create_refuses_bad_input_and_changes_nothing(db):
    someone_elses = deal(db, REP_C)
    for bad in ({"title": "x", "due_at": in_hours(1)},                        # on nothing
                {"title": " ", "customer_id": "c-1", "due_at": in_hours(1)},
                {"title": "x", "customer_id": "c-1", "due_at": "2026-01-01T10:00:00"},  # naive
                {"title": "x", "customer_id": "c-1", "due_at": in_hours(1), "kind": "party"},
                {"title": "x", "customer_id": "c-1", "due_at": in_hours(1), "status": "done"},
                {"title": "x", "deal_id": someone_elses["id"], "due_at": in_hours(1)},
                {"title": "x", "customer_id": "c-1", "due_at": in_hours(1),
                 "assignee_id": "u-nobody"}):
        with pytest.raises(Invalid):
            call(db, tasks.create_task, REP_A, bad)
    own = deal(db, REP_A, customer_id="c-1")
    with pytest.raises(Invalid):                       # not the deal's customer
        call(db, tasks.create_task, REP_A, {"title": "x", "deal_id": own["id"],
                                            "customer_id": "c-2", "due_at": in_hours(1)})
    with pytest.raises(Forbidden):                     # a rep assigns only to themselves
        task(db, REP_A, assignee_id=REP_B.user_id)
    with pytest.raises(Forbidden):                     # a manager only within the team
        task(db, MANAGER, assignee_id=REP_C.user_id)
    assert events(db, "task_created") == []
    assert task(db, MANAGER, assignee_id=REP_B.user_id)["assignee_id"] == REP_B.user_id
    assert task(db, ADMIN, assignee_id=REP_C.user_id)["assignee_id"] == REP_C.user_id


def test_scopes_rep_own_manager_team_admin_all(db):
    a, b, c = task(db, REP_A), task(db, REP_B), task(db, REP_C)
    assert set(ids(listed(db, REP_A))) == {a["id"]}
    assert set(ids(listed(db, MANAGER))) == {a["id"], b["id"]}
    assert set(ids(listed(db, ADMIN))) == {a["id"], b["id"], c["id"]}
    assert set(ids(listed(db, MARKETER))) == {a["id"], b["id"], c["id"]}   # read-all role
    with pytest.raises(NotFound):
        call(db, tasks.get_task, REP_A, b["id"], write=False)
    for change in (lambda: call(db, tasks.complete_task, REP_A, b["id"]),
                   lambda: call(db, tasks.update_task, REP_A, c["id"], {"title": "mine"}),
                   lambda: call(db, tasks.complete_task, MANAGER, c["id"])):
        with pytest.raises(NotFound):
            change()
    assert call(db, tasks.complete_task, MANAGER, b["id"])["status"] == "done"


def test_due_and_overdue_lists_are_ordered_by_due_time_and_paged(db):
    later, overdue, soon, old = (task(db, REP_A, hours=h) for h in (48, -2, 3, -30))
    other = task(db, REP_B, hours=-5)
    assert ids(listed(db, REP_A)) == [old["id"], overdue["id"], soon["id"], later["id"]]
    assert ids(listed(db, MANAGER, overdue=True)) == [old["id"], other["id"], overdue["id"]]
    assert ids(listed(db, MANAGER, overdue=True, assignee_id=REP_A.user_id)) == \
        [old["id"], overdue["id"]]
    assert ids(listed(db, REP_A, overdue=False)) == [soon["id"], later["id"]]
    assert ids(listed(db, REP_A, due_before=in_hours(4))) == [old["id"], overdue["id"], soon["id"]]
    assert [item["overdue"] for item in listed(db, REP_A)["items"]] == [True, True, False, False]
    call(db, tasks.complete_task, REP_A, old["id"])
    assert ids(listed(db, REP_A, overdue=True)) == [overdue["id"]]       # done: not overdue
    assert ids(listed(db, REP_A, status="done")) == [old["id"]]
    first = listed(db, REP_A, limit=2)
    second = listed(db, REP_A, limit=2, cursor=first["next_cursor"])
    assert ids(first) + ids(second) == [old["id"], overdue["id"], soon["id"], later["id"]]
    assert second["next_cursor"] is None
    with pytest.raises(Invalid):                       # a cursor of another filter
        listed(db, REP_A, limit=2, cursor=first["next_cursor"], overdue=True)
    with pytest.raises(Invalid):
        listed(db, REP_A, status="finished")


def test_my_tasks_are_my_open_ones_due_by_the_end_of_today(db):
    overdue, today_soon = task(db, REP_A, hours=-1), task(db, REP_A, hours=0.01)
    task(db, REP_A, hours=24 * 3)                                        # not yet
    task(db, REP_B, hours=-1)                                            # not mine
    done = task(db, REP_A, hours=-3)
    call(db, tasks.complete_task, REP_A, done["id"])
    mine = call(db, tasks.my_tasks, REP_A, {}, write=False)
    assert ids(mine)[:2] == [overdue["id"], today_soon["id"]] or \
        ids(mine) == [overdue["id"]]                   # today_soon may fall after midnight
    assert done["id"] not in ids(mine)
    wider = call(db, tasks.my_tasks, REP_A, {"due_before": in_hours(24 * 4)}, write=False)
    assert len(ids(wider)) == 3
    assert ids(call(db, tasks.my_tasks, MANAGER, {}, write=False)) == []  # the manager's own


def test_update_cancel_reopen_complete(db):
    created = task(db, REP_A)
    changed = call(db, tasks.update_task, REP_A, created["id"],
                   {"title": "Call back about pricing", "due_at": in_hours(5)})
    assert changed["title"] == "Call back about pricing"
    (_, updated), = events(db, "task_updated")
    assert set(updated["changed"]) == {"title", "due_at"} and updated["changed_by"] == "u-rep-a"
    assert call(db, tasks.update_task, REP_A, created["id"], {"title": changed["title"]}) == changed
    assert len(events(db, "task_updated")) == 1                          # no change, no event
    cancelled = call(db, tasks.update_task, REP_A, created["id"], {"status": "cancelled"})
    assert cancelled["status"] == "cancelled"
    with pytest.raises(Conflict):
        call(db, tasks.complete_task, REP_A, created["id"])
    call(db, tasks.update_task, REP_A, created["id"], {"status": "open"})
    done = call(db, tasks.complete_task, REP_A, created["id"])
    assert done["status"] == "done" and done["completed_at"]
    with pytest.raises(Conflict):
        call(db, tasks.complete_task, REP_A, created["id"])
    (_, completed), = events(db, "task_completed")
    assert (completed["status"], completed["completed_by"]) == ("done", REP_A.user_id)
    with pytest.raises(Invalid):
        call(db, tasks.update_task, REP_A, created["id"], {"status": "done"})
    with pytest.raises(Forbidden):
        call(db, tasks.update_task, REP_A, created["id"], {"assignee_id": REP_B.user_id})
    moved = call(db, tasks.update_task, MANAGER, created["id"], {"assignee_id": REP_B.user_id})
    assert moved["assignee_id"] == REP_B.user_id
    with pytest.raises(NotFound):                     # now REP_B's
        call(db, tasks.get_task, REP_A, created["id"], write=False)
