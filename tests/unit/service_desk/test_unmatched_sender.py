"""A mail from an address no customer and no contact person has (issue 12 §3: "the sender is
matched to a contact (or the ticket says it is unmatched)"), with no catch-all customer set:
a ticket without a customer that says so (`unmatched_sender`, the sender's address kept,
tagged), routed like any email ticket and in the queues of agents and support managers (the
`unmatched` filter lists them) — never a sales rep's or a sales manager's; the sender's next
mail threads onto it; an agent attaches it to its customer once (PATCH customer_id /
contact_id: unknown customer or foreign contact 422, a ticket with a customer 409, nothing
changed), after which the customer's rep sees it and the SLA takes the customer's class.
Resolved while still unmatched: no survey (nobody to ask), no follow-up visit (409 by hand)."""
import pytest
from sqlalchemy import select

from services.chassis.errors import Conflict, Invalid, NotFound
from services.service_desk.email_channel import inbound
from services.service_desk.email_channel.models import TicketMail
from services.service_desk.sla.models import TicketSla
from services.service_desk.surveys.models import TicketSurvey
from services.service_desk.tickets.models import Ticket
from tests.unit.service_desk import ops
from tests.unit.service_desk.support import (ADMIN, AGENT_A, AGENT_B, OTHER_REP, REP,
                                             SALES_MANAGER, SUPPORT_MANAGER, count, events,
                                             seeded_db)
from tests.unit.service_desk.survey_ops import create_followup
from tests.unit.service_desk.test_routing import TEAM_A, set_rules

STRANGER = "Stan <Stan@Nowhere.example>"


@pytest.fixture
def db(monkeypatch):
    monkeypatch.delenv("SERVICE_DESK_EMAIL_UNMATCHED_CUSTOMER_ID", raising=False)
    monkeypatch.setenv("SMTP_FROM", "Support <support@desk.example>")
    found = seeded_db()
    set_rules(found, [{"channel": "email", "team_id": TEAM_A}])
    return found


def mail(sender=STRANGER, message_id="<u1@nowhere.example>", subject="Where is my order?",
         extra=""):
    lines = [f"From: {sender}", "To: support@desk.example", f"Subject: {subject}",
             f"Message-ID: {message_id}", extra, "Content-Type: text/plain; charset=utf-8"]
    return "\r\n".join(line for line in lines if line) + "\r\n\r\nOrder 42 never came."


def receive(db, message):
    with db.unit_of_work(actor="inbound_email") as uow:
        return inbound.receive(uow, {"raw": message})


@pytest.fixture
def unmatched(db):
    return receive(db, mail())["ticket_id"]


def test_an_unknown_senders_mail_is_a_ticket_that_says_it_is_unmatched(db, unmatched):
    ticket = ops.get(db, SUPPORT_MANAGER, unmatched)
    assert (ticket["customer_id"], ticket["customer_name"], ticket["contact_id"]) == (
        None, None, None)
    assert (ticket["unmatched_sender"], ticket["sender_email"], ticket["tags"]) == (
        True, "stan@nowhere.example", [inbound.UNMATCHED_TAG])
    assert (ticket["channel"], ticket["status"], ticket["team_id"]) == ("email", "new", TEAM_A)
    assert ticket["description"].startswith("From: stan@nowhere.example")
    [(_, created)] = events(db, "ticket_created")
    assert (created["id"], created["customer_id"]) == (unmatched, None)
    [(_, assigned)] = events(db, "ticket_assigned")
    assert (assigned["customer_id"], assigned["team_id"]) == (None, TEAM_A)
    # the sender's answer threads onto it, its author the sender
    answer = receive(db, mail(message_id="<u2@nowhere.example>",
                              extra="In-Reply-To: <u1@nowhere.example>"))
    assert (answer["outcome"], answer["ticket_id"]) == ("replied", unmatched)
    [entry] = ops.entries(db, AGENT_A, unmatched)["items"]
    assert (entry["author_kind"], entry["author_id"]) == ("customer", "stan@nowhere.example")
    # an agent's reply goes back to the sender (the last address on the ticket)
    ops.reply(db, AGENT_A, unmatched)
    with db.read_only() as session:
        out = session.execute(select(TicketMail.ticket_id, TicketMail.address).where(
            TicketMail.direction == "out")).all()
    assert out == [(unmatched, "stan@nowhere.example")]
    assert count(db, Ticket) == 1


def test_agents_and_support_managers_see_it_sales_never(db, unmatched):
    matched = ops.create_ticket(db, SUPPORT_MANAGER)["id"]             # c-1, REP's customer
    for principal in (SUPPORT_MANAGER, ADMIN, AGENT_A):              # AGENT_A: the email team
        assert [t["id"] for t in ops.listing(db, principal, unmatched=True)["items"]] == [
            unmatched]
        assert unmatched not in [t["id"] for t in ops.listing(db, principal,
                                                               unmatched=False)["items"]]
    assert matched in [t["id"] for t in ops.listing(db, SUPPORT_MANAGER, unmatched=False)[
        "items"]]
    for principal in (REP, OTHER_REP, SALES_MANAGER, AGENT_B):
        assert unmatched not in [t["id"] for t in ops.listing(db, principal)["items"]]
        with pytest.raises(NotFound):
            ops.get(db, principal, unmatched)
    assert [t["id"] for t in ops.listing(db, REP)["items"]] == [matched]


def test_an_agent_attaches_it_to_its_customer_once(db, unmatched):
    with db.read_only() as session:
        assert session.get(TicketSla, unmatched).value_class is None
    attached = ops.update(db, AGENT_A, unmatched, customer_id="c-1", contact_id="ct-1")
    assert (attached["customer_id"], attached["customer_name"], attached["contact_id"]) == (
        "c-1", "Acme", "ct-1")
    assert (attached["unmatched_sender"], attached["sender_email"]) == (False, "stan@nowhere.example")
    [(_, updated)] = events(db, "ticket_updated")
    assert (updated["customer_id"], updated["changed"]) == ("c-1", ["contact_id", "customer_id"])
    change = ops.history(db, AGENT_A, unmatched)["items"][-1]
    assert change["changes"]["customer_id"] == [None, "c-1"]
    with db.read_only() as session:
        assert session.get(TicketSla, unmatched).value_class == "A"    # c-1 is A-class
    # now it is the rep's customer's ticket, read-only for them; still not the other rep's
    assert ops.get(db, REP, unmatched)["read_only"] is True
    with pytest.raises(NotFound):
        ops.get(db, OTHER_REP, unmatched)
    assert ops.listing(db, SUPPORT_MANAGER, unmatched=True)["items"] == []
    # its customer stays: another is a 409; the same again changes nothing
    with pytest.raises(Conflict) as stays:
        ops.update(db, AGENT_A, unmatched, customer_id="c-2")
    assert stays.value.details == {"id": unmatched, "customer_id": "c-1"}
    assert ops.update(db, AGENT_A, unmatched, customer_id="c-1")["customer_id"] == "c-1"
    assert len(events(db, "ticket_updated")) == 1


def test_attaching_checks_the_customer_and_changes_nothing_when_refused(db, unmatched):
    for data, field in (({"customer_id": "c-404"}, "customer_id"),
                        ({"customer_id": "c-1", "contact_id": "ct-2"}, "contact_id"),
                        ({"contact_id": "ct-1"}, "customer_id")):
        with pytest.raises(Invalid) as refused:
            ops.update(db, AGENT_A, unmatched, **data)
        assert set(refused.value.details) == {field}
    assert ops.get(db, SUPPORT_MANAGER, unmatched)["customer_id"] is None
    assert events(db, "ticket_updated") == []
    # a ticket made through the API names its customer: no unmatched tickets by hand
    with pytest.raises(Invalid):
        ops.create_ticket(db, SUPPORT_MANAGER, customer_id=None)


def test_resolved_while_unmatched_no_survey_no_visit(db, unmatched):
    ops.move(db, AGENT_A, unmatched, "resolved")
    assert count(db, TicketSurvey) == 0
    with pytest.raises(Conflict) as visit:
        create_followup(db, AGENT_A, unmatched)
    assert visit.value.details == {"id": unmatched}
