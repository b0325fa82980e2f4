"""Tickets: creation (validated against the directory copy, a team's queue by default, its
events), changes (only what differs, history, ticket_updated / ticket_assigned), the status
flow (illegal: 409, nothing changed), replies and notes (first response, reopen on a customer
reply, closed takes nothing), merging, history and paginated, filtered lists. Bad input: a
precise 4xx and nothing changed."""
import pytest

from services.chassis.errors import Conflict, Invalid, NotFound
from services.chassis.models import OutboxEvent
from services.service_desk.tickets.models import Ticket, TicketChange, TicketEntry
from tests.unit.service_desk import ops
from tests.unit.service_desk.support import (ADMIN, AGENT_A, AGENT_A2, AGENT_B, SUPPORT_MANAGER,
                                             count, events, seeded_db)


@pytest.fixture
def db():
    return seeded_db()


def nothing_written(db, before):
    return (count(db, Ticket), count(db, TicketEntry), count(db, TicketChange),
            count(db, OutboxEvent)) == before


def snapshot(db):
    return (count(db, Ticket), count(db, TicketEntry), count(db, TicketChange),
            count(db, OutboxEvent))


def test_an_agent_creates_a_ticket_in_their_teams_queue(db):
    ticket = ops.create_ticket(db, AGENT_A, contact_id="ct-1", priority="high", channel="phone",
                               category="repair", tags=["printer", "fire", "printer"],
                               description="Smoke\nand flames")
    assert ticket["status"] == "new" and ticket["status_category"] == "open"
    assert (ticket["team_id"], ticket["assignee_id"]) == ("t-support-a", None)
    assert (ticket["customer_name"], ticket["tags"], ticket["read_only"]) == (
        "Acme", ["fire", "printer"], False)
    assert [name for name, _ in events(db)] == ["ticket_created", "ticket_assigned"]
    created = events(db, "ticket_created")[0][1]
    assert (created["id"], created["priority"], created["channel"]) == (
        ticket["id"], "high", "phone")
    assert [h["action"] for h in ops.history(db, AGENT_A, ticket["id"])["items"]] == ["created"]


def test_an_assignee_brings_their_team_and_must_fit_it(db):
    ticket = ops.create_ticket(db, SUPPORT_MANAGER, assignee_id=AGENT_B.user_id)
    assert (ticket["team_id"], ticket["assignee_id"]) == ("t-support-b", AGENT_B.user_id)
    before = snapshot(db)
    with pytest.raises(Invalid) as refused:
        ops.create_ticket(db, SUPPORT_MANAGER, team_id="t-support-a", assignee_id=AGENT_B.user_id)
    assert "assignee_id" in refused.value.details
    for nobody in ("u-nobody", "u-rep1", "u-mkt"):          # unknown, a sales rep, a marketer
        with pytest.raises(Invalid):
            ops.create_ticket(db, SUPPORT_MANAGER, assignee_id=nobody)
    assert nothing_written(db, before)


@pytest.mark.parametrize("data, field", [
    ({"customer_id": "c-unknown"}, "customer_id"),
    ({"contact_id": "ct-2"}, "contact_id"),                 # c-2's contact, not c-1's
    ({"priority": "asap"}, "priority"),
    ({"channel": "fax"}, "channel"),
    ({"subject": "   "}, "subject"),
    ({"subject": None}, "subject"),
    ({"tags": ["x"] * 21}, "tags"),
    ({"owner_id": "u-1"}, "owner_id"),                      # not a field: refused, not ignored
    ({"subject": "a\x00b"}, "subject"),
])
def test_bad_input_is_refused_precisely_and_changes_nothing(db, data, field):
    before = snapshot(db)
    with pytest.raises(Invalid) as refused:
        ops.create_ticket(db, AGENT_A, **data)
    assert field in refused.value.details
    assert nothing_written(db, before)


def test_a_change_records_only_what_differs(db):
    ticket = ops.create_ticket(db, AGENT_A)
    before = snapshot(db)
    same = ops.update(db, AGENT_A, ticket["id"], subject="Printer on fire", priority="medium")
    assert same["updated_at"] == ticket["updated_at"] and nothing_written(db, before)
    changed = ops.update(db, AGENT_A, ticket["id"], priority="urgent", tags=["b", "a"],
                         assignee_id=AGENT_A2.user_id)
    assert (changed["priority"], changed["tags"], changed["assignee_id"]) == (
        "urgent", ["a", "b"], AGENT_A2.user_id)
    updated = events(db, "ticket_updated")[-1][1]
    assert updated["changed"] == ["assignee_id", "priority", "tags"]
    assigned = events(db, "ticket_assigned")[-1][1]
    assert (assigned["previous_assignee_id"], assigned["assignee_id"], assigned["reason"]) == (
        None, AGENT_A2.user_id, "manual")
    last = ops.history(db, AGENT_A, ticket["id"])["items"][-1]
    assert last["changes"] == {"priority": ["medium", "urgent"], "tags": [[], ["a", "b"]],
                               "assignee_id": [None, AGENT_A2.user_id]}
    assert ops.update(db, AGENT_A, ticket["id"])["updated_at"] == changed["updated_at"]
    with pytest.raises(Invalid):
        ops.update(db, AGENT_A, ticket["id"], subject=None)   # a ticket keeps a subject


def test_moving_to_another_team_drops_an_assignee_who_is_not_in_it(db):
    ticket = ops.create_ticket(db, AGENT_A, assignee_id=AGENT_A.user_id)
    moved = ops.update(db, SUPPORT_MANAGER, ticket["id"], team_id="t-support-b")
    assert (moved["team_id"], moved["assignee_id"]) == ("t-support-b", None)


def test_the_status_flow_and_its_refusals(db):
    ticket = ops.create_ticket(db, AGENT_A)
    for status in ("open", "waiting_on_third_party", "waiting_on_customer", "resolved"):
        answer = ops.move(db, AGENT_A, ticket["id"], status)
    assert answer["status_category"] == "resolved" and answer["resolved_at"]
    before = snapshot(db)
    with pytest.raises(Conflict) as refused:
        ops.move(db, AGENT_A, ticket["id"], "waiting_on_customer")
    assert refused.value.details["allowed"] == ["closed", "open"]
    with pytest.raises(Conflict):
        ops.move(db, AGENT_A, ticket["id"], "new")
    with pytest.raises(Invalid):
        ops.move(db, AGENT_A, ticket["id"], "pending")
    assert nothing_written(db, before)
    assert ops.move(db, AGENT_A, ticket["id"], "resolved")["status"] == "resolved"   # no change
    assert nothing_written(db, before)
    closed = ops.move(db, AGENT_A, ticket["id"], "closed", reason="customer confirmed")
    assert closed["closed_at"] and closed["resolved_at"]
    for status in ("open", "resolved"):
        with pytest.raises(Conflict):
            ops.move(db, AGENT_A, ticket["id"], status)
    with pytest.raises(Conflict):
        ops.update(db, AGENT_A, ticket["id"], subject="Again")
    changes = [(e["from_status"], e["to_status"], e["reason"])
               for _, e in events(db, "ticket_status_changed")]
    assert changes == [("new", "open", "manual"), ("open", "waiting_on_third_party", "manual"),
                       ("waiting_on_third_party", "waiting_on_customer", "manual"),
                       ("waiting_on_customer", "resolved", "manual"),
                       ("resolved", "closed", "manual")]
    assert ops.history(db, AGENT_A, ticket["id"])["items"][-1]["reason"] == "customer confirmed"


def test_replies_and_notes(db):
    ticket = ops.create_ticket(db, AGENT_A, contact_id="ct-1")
    first = ops.reply(db, AGENT_A, ticket["id"])
    assert (first["kind"], first["author_kind"], first["author_id"]) == (
        "reply", "agent", AGENT_A.user_id)
    after = ops.get(db, AGENT_A, ticket["id"])
    assert after["status"] == "open" and after["first_responded_at"] and after["replies"] == 1
    ops.reply(db, AGENT_A2, ticket["id"], body="Second answer")
    assert ops.get(db, AGENT_A, ticket["id"])["first_responded_at"] == after["first_responded_at"]
    ops.note(db, AGENT_A, ticket["id"], body="Internal: vendor ticket #42")
    replied = [e for _, e in events(db, "ticket_replied")]
    assert [e["first_response"] for e in replied] == [True, False]
    assert events(db, "ticket_note_added")[0][1]["author_id"] == AGENT_A.user_id
    ops.move(db, AGENT_A, ticket["id"], "waiting_on_customer")
    customer = ops.reply(db, AGENT_A, ticket["id"], body="It works again", from_customer=True)
    assert (customer["author_kind"], customer["author_id"]) == ("customer", "ct-1")
    assert ops.get(db, AGENT_A, ticket["id"])["status"] == "open"         # reopened
    ops.move(db, AGENT_A, ticket["id"], "resolved")
    ops.reply(db, AGENT_A, ticket["id"], body="No, broken again", from_customer=True)
    reopened = ops.get(db, AGENT_A, ticket["id"])
    assert (reopened["status"], reopened["resolved_at"]) == ("open", None)
    assert events(db, "ticket_status_changed")[-1][1]["reason"] == "customer_reply"
    page = ops.entries(db, AGENT_A, ticket["id"], limit=2)
    assert [e["body"] for e in page["items"]] == ["Thanks, looking into it.", "Second answer"]
    rest = ops.entries(db, AGENT_A, ticket["id"], cursor=page["next_cursor"])
    assert [(e["kind"], e["author_kind"]) for e in rest["items"]] == [
        ("note", "agent"), ("reply", "customer"), ("reply", "customer")]
    ops.move(db, AGENT_A, ticket["id"], "closed")
    before = snapshot(db)
    with pytest.raises(Conflict):
        ops.reply(db, AGENT_A, ticket["id"], from_customer=True)
    with pytest.raises(Conflict):
        ops.note(db, AGENT_A, ticket["id"])
    with pytest.raises(Invalid):
        ops.reply(db, AGENT_A, ticket["id"], body="")
    assert nothing_written(db, before)


def test_merging_a_duplicate(db):
    target = ops.create_ticket(db, AGENT_A, subject="Printer on fire")
    duplicate = ops.create_ticket(db, AGENT_A, subject="Printer smoking")
    ops.reply(db, AGENT_A, duplicate["id"], body="Customer wrote twice", from_customer=True)
    ops.note(db, AGENT_A, duplicate["id"], body="same as the other")
    carried = ops.merge_into(db, AGENT_A, duplicate["id"], target["id"])
    assert carried["id"] == target["id"] and carried["replies"] == 1
    gone = ops.get(db, AGENT_A, duplicate["id"])
    assert (gone["status"], gone["merged_into"]) == ("closed", target["id"])
    moved = ops.entries(db, AGENT_A, target["id"])["items"]
    assert [(e["body"], e["merged_from"]) for e in moved][:2] == [
        ("Customer wrote twice", duplicate["id"]), ("same as the other", duplicate["id"])]
    assert moved[-1]["kind"] == "note" and duplicate["id"] in moved[-1]["body"]
    merged = events(db, "ticket_merged")[0][1]
    assert (merged["source_id"], merged["target_id"], merged["entries_moved"]) == (
        duplicate["id"], target["id"], 2)
    assert events(db, "ticket_status_changed")[-1][1]["reason"] == "merged"
    before = snapshot(db)
    with pytest.raises(Conflict):
        ops.merge_into(db, AGENT_A, duplicate["id"], target["id"])         # merged already
    with pytest.raises(Conflict):
        ops.merge_into(db, AGENT_A, target["id"], duplicate["id"])         # into a closed one
    with pytest.raises(Invalid):
        ops.merge_into(db, AGENT_A, target["id"], target["id"])
    other = ops.create_ticket(db, ADMIN, customer_id="c-2", team_id="t-support-a")
    before = snapshot(db)
    with pytest.raises(Conflict):
        ops.merge_into(db, AGENT_A, other["id"], target["id"])             # another customer
    with pytest.raises(NotFound):
        ops.merge_into(db, AGENT_B, target["id"], other["id"])             # not B's queue
    assert nothing_written(db, before)


def test_lists_are_filtered_and_paginated(db):
    made = [ops.create_ticket(db, AGENT_A, subject=f"T{i}", priority=p, tags=[f"t{i % 2}"])
            for i, p in enumerate(["low", "high", "low", "urgent", "low"])]
    ops.move(db, AGENT_A, made[0]["id"], "waiting_on_customer")
    ops.update(db, AGENT_A, made[1]["id"], assignee_id=AGENT_A2.user_id)
    first = ops.listing(db, AGENT_A, limit=2)
    second = ops.listing(db, AGENT_A, limit=2, cursor=first["next_cursor"])
    third = ops.listing(db, AGENT_A, limit=2, cursor=second["next_cursor"])
    ids = [t["id"] for page in (first, second, third) for t in page["items"]]
    assert ids == [t["id"] for t in reversed(made)] and third["next_cursor"] is None

    def subjects(**query):
        return sorted(t["subject"] for t in ops.listing(db, AGENT_A, **query)["items"])
    assert subjects(priority="low") == ["T0", "T2", "T4"]
    assert subjects(status_category="paused") == ["T0"]
    assert subjects(status="new", tag="t1") == ["T1", "T3"]
    assert subjects(assignee_id=AGENT_A2.user_id) == ["T1"]
    assert subjects(assignee_id="none") == ["T0", "T2", "T3", "T4"]
    assert subjects(customer_id="c-2") == []
    with pytest.raises(Invalid):
        ops.listing(db, AGENT_A, status="pending")
    with pytest.raises(Invalid):
        ops.listing(db, AGENT_A, limit=2, cursor=first["next_cursor"], priority="low")
