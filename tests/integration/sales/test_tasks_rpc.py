"""Tasks over a real broker, on SQLite and PostgreSQL: a contact added in customers with a
birthday reaches sales through customers' events and becomes the owner's birthday task; moving
a deal into a stage with a rule makes its follow-up; the due check run by two sales containers
at once announces each due task once."""
from datetime import date, datetime, timedelta, timezone

import eventlet
import pytest
from nameko.testing.services import entrypoint_hook
from sqlalchemy import select

from services.sales.service import SalesService
from services.sales.tasks.models import ContactBirthday
from tests.helpers import wait_until
from tests.integration.sales.support import (ADMIN, MANAGER, REPS, as_, proxy, publish_people,
                                             received)

pytestmark = pytest.mark.dialect_sensitive("birthday dates; a claim UPDATE across containers")

REP = REPS[0]


def hook(container, method, **kwargs):
    with entrypoint_hook(container, method, context_data=as_(ADMIN)) as call:
        return call(**kwargs)


def birthdays_in(engine):
    with engine.connect() as connection:
        return {row.contact_id: row for row in connection.execute(select(ContactBirthday))}


def test_a_contacts_birthday_travels_from_customers_and_becomes_one_task(
        services, databases, rabbit_config):
    publish_people(services, databases)
    born = date(1990, 6, 15)
    checked_on = date(2026, 6, 12)                          # three days before its birthday
    with proxy(rabbit_config, REP, service="customers") as customers:
        customer_id = customers.create_customer({"name": "Birthday Ltd"})["id"]
        contact = customers.add_contact(customer_id, {"name": "Li Wei",
                                                      "birthday": born.isoformat()})
        customers.add_contact(customer_id, {"name": "No Birthday"})
    wait_until(lambda: contact["id"] in birthdays_in(databases["sales"]),
               message="the birthday copied by sales")
    copied = birthdays_in(databases["sales"])
    assert len(copied) == 1                                   # a contact without one is not kept
    row = copied[contact["id"]]
    assert (row.customer_id, row.owner_id, row.birthday, row.name) == (
        customer_id, REP.user_id, born, "Li Wei")
    assert hook(services["sales"], "make_birthday_tasks", today=checked_on) == 1
    assert hook(services["sales"], "make_birthday_tasks", today=checked_on) == 0   # once a year
    with proxy(rabbit_config, REP) as sales:
        (task,) = sales.list_tasks({})["items"]
    assert (task["kind"], task["customer_id"], task["assignee_id"], task["due_at"]) == (
        "birthday", customer_id, REP.user_id,
        datetime(2026, 6, 15, 9, tzinfo=timezone.utc).isoformat())
    wait_until(lambda: any(e["payload"]["id"] == task["id"] for e in received("task_created")),
               message="task_created published")


def test_follow_up_on_a_move_and_two_containers_announce_each_due_task_once(
        services, databases, rabbit_config, container_factory):
    publish_people(services, databases)
    with proxy(rabbit_config, REP, service="customers") as customers:
        customer_id = customers.create_customer({"name": "Tasks Ltd"})["id"]
    past = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    with proxy(rabbit_config, REP) as sales:
        deal = sales.create_deal({"name": "Tasks", "customer_id": customer_id, "currency": "EUR"})
        due = [sales.create_task({"title": f"Call {n}", "deal_id": deal["id"], "due_at": past})
               for n in range(4)]
        sales.move_deal(deal["id"], {"stage": "proposal"})
        follow_ups = [t for t in sales.list_tasks({"deal_id": deal["id"]})["items"]
                      if t["origin"] == "stage_follow_up"]
    assert [(t["title"], t["assignee_id"]) for t in follow_ups] == [
        ("Follow up on the proposal", REP.user_id)]
    second = container_factory(SalesService, rabbit_config)
    second.start()
    runs = [eventlet.spawn(hook, container, "announce_due_tasks")
            for container in (services["sales"], second)]
    assert sum(run.wait() for run in runs) == len(due)      # each task by one container
    assert hook(second, "announce_due_tasks") == 0           # and never again
    wait_until(lambda: len(received("task_due")) >= len(due), message="task_due events")
    with proxy(rabbit_config, ADMIN) as sales:
        log = [e for e in sales.events_since(0, 1000) if e["event_type"] == "task_due"]
    assert sorted(e["payload"]["id"] for e in log) == sorted(t["id"] for t in due)
    with proxy(rabbit_config, MANAGER) as sales:             # the team's overdue list
        overdue = sales.list_tasks({"overdue": True})["items"]
        assert sorted(t["id"] for t in overdue) == sorted(t["id"] for t in due)
        assert sales.complete_task(due[0]["id"])["status"] == "done"
