"""Tasks over HTTP against the real processes: a deal moved into a stage with a rule → the
follow-up task appears in its owner's list → completed; a manual task on a customer, another rep
sees nothing, bad input is a 422 that changes nothing; the rules (admin only); a contact added
in customers with a birthday soon → the running sales process makes the owner's birthday task."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e


def problem(response, status):
    assert response.status_code == status, f"{response.status_code}: {response.text[:500]}"
    assert response.headers["Content-Type"] == "application/problem+json"
    return response.json()


def later(**delta):
    return (datetime.now(timezone.utc) + timedelta(**delta)).isoformat()


def test_move_makes_a_follow_up_for_the_owner_who_completes_it(admin, region):
    region_name, team = region
    rep = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    other = admin.create_user("sales_rep", region=f"Other-{uuid.uuid4().hex[:8]}")
    customer = rep.create_customer()
    deal = rep.ok("POST", "deals", expect=201, json={
        "name": "Follow me", "customer_id": customer["id"], "currency": "USD"})
    assert rep.ok("GET", "tasks", params={"deal_id": deal["id"]})["items"] == []
    rep.ok("POST", f"deals/{deal['id']}/stage", json={"stage": "proposal"})

    mine = rep.ok("GET", "tasks/mine", params={"due_before": later(days=4)})["items"]
    (follow_up,) = [t for t in mine if t["deal_id"] == deal["id"]]
    assert (follow_up["title"], follow_up["origin"], follow_up["assignee_id"],
            follow_up["customer_id"], follow_up["status"]) == (
        "Follow up on the proposal", "stage_follow_up", rep.user["id"], customer["id"], "open")
    assert rep.ok("GET", "tasks/mine")["items"] == []            # due in 3 days, not today
    problem(other.get(f"tasks/{follow_up['id']}"), 404)
    problem(other.post(f"tasks/{follow_up['id']}/complete"), 404)
    done = rep.ok("POST", f"tasks/{follow_up['id']}/complete")
    assert done["status"] == "done" and done["completed_at"]
    problem(rep.post(f"tasks/{follow_up['id']}/complete"), 409)
    assert rep.ok("GET", "tasks", params={"status": "open", "deal_id": deal["id"]})["items"] == []

    # a manual task on the customer, overdue: in my list and my overdue list, not the other's
    before = rep.ok("GET", "tasks")["items"]
    for bad in ({"title": "x", "due_at": later(hours=1)},                         # on nothing
                {"title": "x", "customer_id": customer["id"], "due_at": "tomorrow"},
                {"title": "x", "customer_id": customer["id"], "due_at": later(hours=1),
                 "assignee_id": other.user["id"]}):
        assert rep.post("tasks", json=bad).status_code in (403, 422)
    assert rep.ok("GET", "tasks")["items"] == before
    call = rep.ok("POST", "tasks", expect=201, json={
        "title": "Call the buyer", "kind": "call", "customer_id": customer["id"],
        "due_at": later(minutes=-5)})
    assert call["overdue"] is True and call["assignee_id"] == rep.user["id"]
    assert [t["id"] for t in rep.ok("GET", "tasks", params={"overdue": "true"})["items"]] == \
        [call["id"]]
    assert call["id"] in [t["id"] for t in rep.ok("GET", "tasks/mine")["items"]]
    assert other.ok("GET", "tasks")["items"] == []
    # the running sales process's due timer announces it (task_due), once
    wait_until(lambda: rep.ok("GET", f"tasks/{call['id']}")["due_notified_at"], timeout=30,
               message="task_due announced by the timer")
    moved = rep.ok("PATCH", f"tasks/{call['id']}", json={"due_at": later(days=1)})
    assert moved["overdue"] is False and moved["due_notified_at"] is None     # due again later

    rules = rep.ok("GET", "tasks/rules")["rules"]
    assert {"trigger": "quote_sent", "days": 3, "title": "Follow up on the quote",
            "active": True} in rules
    problem(rep.request("PUT", "tasks/rules", json={"rules": []}), 403)
    problem(admin.request("PUT", "tasks/rules", json={"rules": [{"trigger": "soon", "days": 1,
                                                                 "title": "x"}]}), 422)
    assert admin.ok("GET", "tasks/rules")["rules"] == rules


def test_a_birthday_added_in_customers_becomes_the_owners_task(admin, region):
    region_name, team = region
    rep = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    customer = rep.create_customer()
    soon = datetime.now(timezone.utc).date() + timedelta(days=2)
    rep.ok("POST", f"customers/{customer['id']}/contacts", expect=201, json={
        "name": "Grace Hopper", "birthday": soon.replace(year=1976).isoformat()})

    def birthday_tasks():
        return [t for t in rep.ok("GET", "tasks", params={"customer_id": customer["id"]})["items"]
                if t["origin"] == "birthday"]
    wait_until(birthday_tasks, timeout=30, message="the birthday task made by sales' timer")
    (task,) = birthday_tasks()
    assert (task["kind"], task["assignee_id"], task["due_at"][:10]) == (
        "birthday", rep.user["id"], soon.isoformat())
    assert "Grace Hopper" in task["title"]
