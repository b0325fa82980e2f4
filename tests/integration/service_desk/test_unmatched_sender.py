"""A mail from an unknown sender over RabbitMQ on SQLite and PostgreSQL: through the inbound
entrypoint it becomes a ticket without a customer that says so; the support manager's queue
lists it (`unmatched`), a sales rep's never (NULL in the scope's IN: no row on either dialect);
a sales rep cannot attach it (403); the agent's attachment (PATCH customer_id) makes it the
customer's — its rep then reads it — and every change reaches a consumer with `customer_id`
null until then."""
import pytest

from services.chassis.errors import Conflict, Forbidden, Invalid, NotFound
from tests.helpers import wait_until
from tests.integration.service_desk.conftest import call
from tests.unit.service_desk.support import (PEOPLE, REP, SUPPORT_MANAGER, contact, customer,
                                             user)

SECRET = "s3cret"
MAIL = ("From: Stan <stan@nowhere.example>\r\nTo: support@desk.example\r\n"
        "Subject: Order 42?\r\nMessage-ID: <u1@nowhere.example>\r\n\r\nNever came.")


@pytest.mark.dialect_sensitive("customer_id NULL in the scopes' IN and the unmatched filter")
def test_an_unknown_senders_mail_is_an_unmatched_ticket_until_attached(
        producers, desk, received, monkeypatch):
    monkeypatch.setenv("SERVICE_DESK_EMAIL_INBOUND_SECRET", SECRET)
    monkeypatch.delenv("SERVICE_DESK_EMAIL_UNMATCHED_CUSTOMER_ID", raising=False)
    desk.start()
    call(producers["identity"], "publish", [("user_created", user(p)) for p in PEOPLE])
    call(producers["customers"], "publish", [("customer_created", customer()),
                                             ("contact_added", contact())])
    result = call(desk, "receive_email", {"raw": MAIL}, SECRET)
    assert result["outcome"] == "created"
    ticket_id = result["ticket_id"]
    ticket = call(desk, "get_ticket", ticket_id, principal=SUPPORT_MANAGER)
    assert (ticket["customer_id"], ticket["unmatched_sender"], ticket["sender_email"]) == (
        None, True, "stan@nowhere.example")
    queue = call(desk, "list_tickets", {"unmatched": True}, principal=SUPPORT_MANAGER)
    assert [t["id"] for t in queue["items"]] == [ticket_id]
    assert call(desk, "list_tickets", {}, principal=REP)["items"] == []
    with pytest.raises(NotFound):
        call(desk, "get_ticket", ticket_id, principal=REP)
    with pytest.raises(Forbidden):
        call(desk, "update_ticket", ticket_id, {"customer_id": "c-1"}, principal=REP)

    attached = wait_until(lambda: _attach(desk, ticket_id), message="c-1 in the copy")
    assert (attached["customer_id"], attached["unmatched_sender"]) == ("c-1", False)
    with pytest.raises(Conflict):
        call(desk, "update_ticket", ticket_id, {"customer_id": "c-2"},
             principal=SUPPORT_MANAGER)
    assert call(desk, "get_ticket", ticket_id, principal=REP)["customer_id"] == "c-1"
    assert call(desk, "list_tickets", {"unmatched": True}, principal=SUPPORT_MANAGER)[
        "items"] == []

    wait_until(lambda: any(e["event_type"] == "ticket_updated" for e in received),
               message="the attachment published")
    ordered = sorted(received, key=lambda e: e["sequence"])
    assert [(e["event_type"], e["payload"]["customer_id"]) for e in ordered] == [
        ("ticket_created", None), ("ticket_updated", "c-1")]
    assert ordered[1]["payload"]["changed"] == ["contact_id", "customer_id"]


def _attach(desk, ticket_id):
    try:
        return call(desk, "update_ticket", ticket_id, {"customer_id": "c-1",
                                                       "contact_id": "ct-1"},
                    principal=SUPPORT_MANAGER)
    except Invalid:                     # until customers' events reached the copy
        return None


def test_attaching_to_a_customer_created_a_moment_ago_reads_customers_log(
        producers, desk, monkeypatch):
    """The customer's live event may not have arrived (published before the desk started):
    attaching reads customers' log before refusing, as creating does."""
    monkeypatch.setenv("SERVICE_DESK_EMAIL_INBOUND_SECRET", SECRET)
    monkeypatch.delenv("SERVICE_DESK_EMAIL_UNMATCHED_CUSTOMER_ID", raising=False)
    call(producers["customers"], "publish", [("customer_created", customer(id="c-new"))])
    desk.start()                    # started after the publish: no live event will come
    ticket_id = call(desk, "receive_email", {"raw": MAIL}, SECRET)["ticket_id"]
    attached = call(desk, "update_ticket", ticket_id, {"customer_id": "c-new"},
                    principal=SUPPORT_MANAGER)
    assert (attached["customer_id"], attached["customer_name"]) == ("c-new", "Acme")
