"""The service desk over RabbitMQ on a migrated database: its copy of customers and identity's
users follows their events live, a ticket is created (idempotently: a retried key answers the
first answer, one ticket), answered, moved and merged through the RPC entrypoints, and every
change reaches a consumer off the broker as an event its schema dumps. What was published
before the service desk started is caught up. Roles are checked at the entrypoints."""
import pytest
from nameko.testing.services import entrypoint_hook
from sqlalchemy import func, select

from services.chassis.auth import Principal
from services.chassis.db import Database
from services.chassis.errors import Conflict, Forbidden, Invalid, NotFound
from services.chassis.idempotency import FINGERPRINT_CONTEXT, KEY_CONTEXT
from services.service_desk.directory.models import DeskCustomer
from services.service_desk.events import EVENT_SCHEMAS
from services.service_desk.tickets.models import Ticket
from tests.helpers import wait_until
from tests.integration.service_desk.conftest import call
from tests.unit.service_desk.support import (AGENT_A, AGENT_B, MARKETER, PEOPLE, REP, contact,
                                             customer, user)

ADMIN = Principal("u-admin", "admin")


def db_of(container):
    provider = next(d for d in container.dependencies if isinstance(d, Database))
    return provider.get_dependency(None)


def ticket_count(container):
    with db_of(container).read_only() as session:
        return session.scalar(select(func.count()).select_from(Ticket))


@pytest.mark.dialect_sensitive("row locks of status changes and merges; the inbox's upsert")
def test_a_ticket_lives_through_the_desk_and_every_change_is_published(
        producers, desk, received):
    desk.start()
    call(producers["identity"], "publish", [("user_created", user(p)) for p in PEOPLE])
    call(producers["customers"], "publish", [("customer_created", customer()),
                                             ("contact_added", contact())])

    def create(key, subject="Printer on fire"):
        context = {KEY_CONTEXT: key, FINGERPRINT_CONTEXT: f"fp-{subject}"}
        return call(desk, "create_ticket", {"customer_id": "c-1", "contact_id": "ct-1",
                                            "subject": subject, "channel": "email"},
                    principal=AGENT_A, context=context)
    ticket = wait_until(lambda: _or_none(create, "k-1"), message="the customer in the copy")
    assert create("k-1")["id"] == ticket["id"] and ticket_count(desk) == 1    # a retried key
    duplicate = create("k-2", subject="Printer smoking")
    call(desk, "add_ticket_reply", ticket["id"], {"body": "On it"}, principal=AGENT_A)
    call(desk, "add_ticket_note", ticket["id"], {"body": "vendor"}, principal=AGENT_A)
    call(desk, "change_ticket_status", ticket["id"], {"status": "waiting_on_customer"},
         principal=AGENT_A)
    call(desk, "add_ticket_reply", ticket["id"], {"body": "Still smoking", "from_customer": True},
         principal=AGENT_A)
    with pytest.raises(Conflict):
        call(desk, "change_ticket_status", ticket["id"], {"status": "new"}, principal=AGENT_A)
    merged = call(desk, "merge_tickets", duplicate["id"], {"into": ticket["id"]},
                  principal=AGENT_A)
    assert (merged["status"], merged["replies"]) == ("open", 2)
    with pytest.raises(NotFound):
        call(desk, "get_ticket", ticket["id"], principal=AGENT_B)
    assert call(desk, "get_ticket", ticket["id"], principal=REP)["read_only"] is True
    with pytest.raises(Forbidden):
        call(desk, "add_ticket_note", ticket["id"], {"body": "x"}, principal=REP)
    with pytest.raises(Forbidden):
        call(desk, "list_tickets", {}, principal=MARKETER)

    expected = ["ticket_created", "ticket_assigned", "ticket_created", "ticket_assigned",
                "ticket_replied", "ticket_status_changed", "ticket_note_added",
                "ticket_status_changed", "ticket_replied", "ticket_status_changed",
                "ticket_status_changed", "ticket_merged"]
    wait_until(lambda: len(received) >= len(expected), message="every change published")
    ordered = sorted(received, key=lambda e: e["sequence"])
    assert [e["event_type"] for e in ordered] == expected
    for envelope in ordered:              # what went out is what the contract schema loads
        EVENT_SCHEMAS[envelope["event_type"]].load(envelope["payload"])
    reasons = [e["payload"]["reason"] for e in ordered if e["event_type"] ==
               "ticket_status_changed"]
    assert reasons == ["first_reply", "manual", "customer_reply", "merged"]


def _or_none(create, key):
    """None while the customer is not in the copy yet (a 422)."""
    try:
        return create(key)
    except Invalid:
        return None


def test_what_was_published_before_the_desk_started_is_caught_up(producers, desk):
    call(producers["identity"], "publish", [("user_created", user(AGENT_A))])
    call(producers["customers"], "publish", [("customer_created", customer(id=f"c-{n}"))
                                             for n in range(12)])
    desk.start()
    with entrypoint_hook(desk, "catch_up_events") as catch_up:
        catch_up()
    made = call(desk, "create_ticket", {"customer_id": "c-7", "subject": "Late",
                                        "assignee_id": AGENT_A.user_id}, principal=ADMIN)
    assert (made["customer_id"], made["team_id"]) == ("c-7", AGENT_A.team_id)


def test_a_customer_created_a_moment_ago_is_read_from_customers_log(producers, desk):
    """The live event may not have arrived: creation reads customers' log before refusing."""
    call(producers["customers"], "publish", [("customer_created", customer(id="c-new"))])
    desk.start()                    # started after the publish: no live event will come
    made = call(desk, "create_ticket", {"customer_id": "c-new", "subject": "Fresh"},
                principal=ADMIN)
    assert made["customer_name"] == "Acme"


def test_an_agent_created_a_moment_ago_is_read_from_identitys_log(producers, desk):
    """The agent was published before the service desk's queues existed (no live event comes,
    the catch-up timer has not run); the customer arrives live: creation reads identity's log
    before refusing the assignee."""
    call(producers["identity"], "publish", [("user_created", user(AGENT_B))])
    desk.start()
    call(producers["customers"], "publish", [("customer_created", customer())])

    def customer_known():
        with db_of(desk).read_only() as session:
            return session.get(DeskCustomer, "c-1") is not None
    wait_until(customer_known, message="the customer, live")
    made = call(desk, "create_ticket", {"customer_id": "c-1", "subject": "Assigned at once",
                                        "assignee_id": AGENT_B.user_id}, principal=ADMIN)
    assert (made["assignee_id"], made["team_id"]) == (AGENT_B.user_id, AGENT_B.team_id)
