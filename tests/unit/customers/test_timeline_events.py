"""The customer's whole history: marketing's and the service desk's events become timeline
entries, once per event id, merged with the interactions in one newest-first keyset."""
import itertools
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from services.chassis import inbox
from services.chassis.errors import NotFound
from services.customers.handlers import contacts, interactions, merge, timeline
from services.customers.models import TimelineEntry
from services.customers.service import CustomersService
from tests.unit.customers.support import ADMIN, MARKETER, MANAGER, REP_A, REP_C, call, create
from tests.live_handlers import live_event_types

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
_sequence = itertools.count(1)


def at(minutes):
    return (T0 + timedelta(minutes=minutes)).isoformat()


def envelope(source, event_type, payload, event_id=None):
    return {"event_id": event_id or str(uuid.uuid4()), "event_type": event_type,
            "source": source, "sequence": next(_sequence), "occurred_at": at(0),
            "version": 1, "actor": "system", "payload": payload}


def consume(db, *envelopes):
    return [inbox.consume(db, CustomersService.subscriptions, e) for e in envelopes]


def marketing(event_type, **payload):
    return envelope("marketing", event_type, payload)


def desk(event_type, **payload):
    return envelope("service_desk", event_type, payload)


def whole_timeline(db, principal, customer_id, size=2):
    seen, cursor = [], None
    while True:
        page = call(db, interactions.get_timeline, principal, customer_id, cursor, size,
                    write=False)
        seen += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return seen


@pytest.fixture
def book(people):
    customer = create(people, REP_A, name="Acme")["id"]
    person = call(people, contacts.add_contact, REP_A, customer, {"name": "Ann"})["id"]
    return people, customer, person


def campaign_touches(customer, person):
    return [
        marketing("campaign_created", id="camp-1", name="Spring sale", channel="email"),
        marketing("campaign_email_sent", campaign_id="camp-1", contact_id=customer,
                  email="acme@example.com", message_id="<m1>", sent_at=at(1)),
        marketing("email_opened", campaign_id="camp-1", contact_id=customer,
                  customer_id=customer, url=None, detail=None, first=True, at=at(2)),
        marketing("email_opened", campaign_id="camp-1", contact_id=customer,
                  customer_id=customer, url=None, detail=None, first=False, at=at(3)),
        marketing("email_clicked", campaign_id="camp-1", contact_id=person, customer_id=None,
                  url="https://example.com/offer", detail=None, first=True, at=at(4)),
        marketing("campaign_response_received", id="r-1", campaign_id="camp-1",
                  campaign_name="Spring sale", channel="email", source="form", name="Ann",
                  email="ann@example.com", company=None, phone=None, message="call me",
                  contact_id=person, customer_id=customer, create_lead=True,
                  recorded_by="system", received_at=at(5)),
    ]


def ticket_story(customer):
    record = {"id": "t-1", "customer_id": customer, "contact_id": None, "subject": "Printer jam",
              "category": None, "priority": "high", "channel": "email", "team_id": None,
              "assignee_id": None, "tags": [], "status": "new", "status_category": "open",
              "merged_into": None, "created_by": "u-agent", "created_at": at(10),
              "updated_at": at(10), "first_responded_at": None, "resolved_at": None,
              "closed_at": None}

    def moved(old, new, minutes, old_cat="open", new_cat="resolved"):
        return desk("ticket_status_changed", ticket_id="t-1", customer_id=customer,
                    from_status=old, to_status=new, from_category=old_cat, to_category=new_cat,
                    reason="manual", changed_by="u-agent", changed_at=at(minutes))
    return [
        desk("ticket_created", **record),
        moved("new", "open", 11, "open", "open"),                    # not a timeline line
        desk("ticket_updated", **{**record, "subject": "Printer jams daily",
                                  "changed": ["subject"], "changed_by": "u-agent"}),
        moved("open", "resolved", 12),
        moved("resolved", "open", 13, "resolved", "open"),
        moved("open", "closed", 14),
        desk("survey_answered", survey_id="s-1", ticket_id="t-1", customer_id=customer,
             agent_id="u-agent", team_id=None, category=None, priority="high", score=65,
             comment="slow, " + "x" * 600, answered_at=at(15)),
        desk("followup_scheduled", followup_id="f-1", ticket_id="t-1", customer_id=customer,
             assignee_id="u-agent", due_at=at(60 * 24 * 7), reason="low_score"),
        desk("followup_completed", followup_id="f-1", ticket_id="t-1", customer_id=customer,
             assignee_id="u-agent", outcome="visited, all fine now", completed_at=at(20)),
        desk("followup_cancelled", followup_id="f-2", ticket_id="t-1", customer_id=customer,
             assignee_id=None, reason="ticket_reopened", cancelled_by="system",
             cancelled_at=at(21)),
    ]


def test_campaign_touches_and_tickets_show_on_the_timeline_with_interactions(book):
    db, customer, person = book
    call(db, interactions.log_interaction, REP_A, customer,
         {"kind": "call", "summary": "Intro call", "occurred_at": at(3)})
    consume(db, *campaign_touches(customer, person), *ticket_story(customer))
    items = whole_timeline(db, REP_A, customer)
    assert [(item["source"], item["kind"]) for item in items] == [
        ("service_desk", "followup_cancelled"), ("service_desk", "followup_completed"),
        ("service_desk", "survey_answered"),
        ("service_desk", "ticket_closed"), ("service_desk", "ticket_reopened"),
        ("service_desk", "ticket_resolved"), ("service_desk", "ticket_created"),
        ("marketing", "campaign_responded"), ("marketing", "campaign_clicked"),
        ("customers", "call"), ("marketing", "campaign_opened"), ("marketing", "campaign_sent"),
        ("service_desk", "followup_scheduled")]
    by_kind = {item["kind"]: item for item in items}
    assert {by_kind[k]["title"] for k in ("campaign_sent", "campaign_opened", "campaign_clicked",
                                           "campaign_responded")} == {"Spring sale"}
    assert {by_kind[k]["ref_id"] for k in ("campaign_sent", "campaign_clicked")} == {"camp-1"}
    # the ticket's title follows its latest subject
    assert by_kind["ticket_created"]["title"] == "Printer jams daily"
    assert by_kind["ticket_created"]["ref_type"] == "ticket"
    assert by_kind["survey_answered"]["outcome"] == ("score 65/100: slow, " + "x" * 600)[:500]
    assert by_kind["followup_cancelled"]["outcome"] == "ticket_reopened"
    assert by_kind["campaign_clicked"]["summary"] == "Clicked https://example.com/offer"
    assert by_kind["campaign_clicked"]["contact_id"] == person   # resolved to Ann's customer
    assert by_kind["followup_completed"]["outcome"] == "visited, all fine now"
    assert by_kind["call"]["ref_type"] is None and by_kind["call"]["title"] is None


def test_followup_scheduled_is_dated_when_it_was_scheduled(book):
    db, customer, _ = book
    consume(db, desk("followup_scheduled", followup_id="f-9", ticket_id=None,
                     customer_id=customer, assignee_id=None, due_at=at(60 * 24), reason=None),
            desk("followup_scheduled", followup_id="f-8", ticket_id="t-8",
                 customer_id=customer, assignee_id=None, due_at=at(60 * 48), reason="a_class",
                 scheduled_at=at(9)))
    later, earlier = whole_timeline(db, REP_A, customer)
    assert (later["occurred_at"], later["summary"], later["outcome"]) == (
        at(9), "Follow-up visit scheduled for 2026-03-04", "a_class")
    assert (earlier["occurred_at"], earlier["summary"]) == (   # no scheduled_at: the event's time
        at(0), "Follow-up visit scheduled for 2026-03-03")


def test_a_rescheduled_visit_shows_and_a_reassignment_does_not(book):
    db, customer, _ = book

    def updated(changed, minutes):
        return desk("followup_updated", followup_id="f-1", ticket_id="t-1", customer_id=customer,
                    assignee_id="u-2", previous_assignee_id="u-1", due_at=at(60 * 24 * 3),
                    reason="a_class", changed=changed, updated_by="u-sm", updated_at=at(minutes))
    consume(db, updated(["assignee_id"], 1), updated(["due_at", "assignee_id"], 2))
    (item,) = whole_timeline(db, REP_A, customer)
    assert (item["kind"], item["summary"], item["occurred_at"], item["user_id"]) == (
        "followup_rescheduled", "Follow-up visit rescheduled for 2026-03-05", at(2), "u-sm")


def test_a_redelivered_or_replayed_event_adds_nothing(book):
    db, customer, person = book
    touches = campaign_touches(customer, person)
    assert consume(db, *touches).count(inbox.PROCESSED) == len(touches)
    assert set(consume(db, *touches)) == {inbox.DUPLICATE}
    before = whole_timeline(db, REP_A, customer)
    # even without the inbox row (a replay into a restored inbox), the event id keys the entry
    with db.unit_of_work() as uow:
        for touch in touches:
            CustomersService.subscriptions.handler_for("marketing", touch["event_type"])(uow, touch)
    assert whole_timeline(db, REP_A, customer) == before
    assert len(before) == 4


def test_only_those_who_may_read_the_customer_see_its_timeline(book):
    db, customer, person = book
    consume(db, *campaign_touches(customer, person))
    for reader in (REP_A, MANAGER, ADMIN, MARKETER):
        assert len(whole_timeline(db, reader, customer)) == 4
    with pytest.raises(NotFound):
        call(db, interactions.get_timeline, REP_C, customer, None, None, write=False)


def test_events_about_nobody_known_write_nothing_and_bad_payloads_raise(book):
    db, customer, _ = book
    consume(db, marketing("campaign_email_sent", campaign_id="c", contact_id="someone-else",
                          email="x@example.com", message_id="<x>", sent_at=at(1)))
    with db.read_only() as session:
        assert session.query(TimelineEntry).count() == 0
    bad = desk("ticket_status_changed", ticket_id="t", customer_id=customer)
    with pytest.raises(ValueError, match="unreadable ticket_status_changed"):
        consume(db, bad)
    assert consume(db, envelope("marketing", "email_opened", {
        "contact_id": customer, "first": True, "at": at(1), "a_field_added_later": 1}))[0] == (
        inbox.PROCESSED)


def test_a_merge_moves_the_entries_and_later_events_follow_the_winner(book):
    db, winner, _ = book
    loser = create(db, REP_A, name="Acme Ltd", email="ltd@example.com")["id"]
    consume(db, marketing("campaign_email_sent", campaign_id="c", contact_id=loser,
                          email="ltd@example.com", message_id="<1>", sent_at=at(1)))
    call(db, merge.merge_customers, REP_A, winner, loser)
    consume(db, marketing("email_opened", campaign_id="c", contact_id=loser, customer_id=loser,
                          first=True, at=at(2)))
    assert [item["kind"] for item in whole_timeline(db, REP_A, winner)] == [
        "campaign_opened", "campaign_sent"]
    assert {item["customer_id"] for item in whole_timeline(db, REP_A, winner)} == {winner}


def test_pages_stay_exact_across_both_tables_with_ties(book):
    db, customer, _ = book
    for n in range(5):                        # interactions and entries at the same instants
        call(db, interactions.log_interaction, REP_A, customer,
             {"kind": "note", "summary": f"note {n}", "occurred_at": at(n % 3)})
        consume(db, marketing("campaign_email_sent", campaign_id=f"c{n}", contact_id=customer,
                              email="a@example.com", message_id=f"<{n}>", sent_at=at(n % 3)))
    for size in (1, 2, 3, 7, 100):
        items = whole_timeline(db, REP_A, customer, size)
        keys = [(item["occurred_at"], item["id"]) for item in items]
        assert len(items) == 10 and len(set(keys)) == 10
        assert keys == sorted(keys, reverse=True)


def test_every_consumed_event_has_a_handler_and_a_live_entrypoint():
    for source, handlers in timeline.SUBSCRIPTIONS.items():
        for event_type in handlers:
            assert CustomersService.subscriptions.handler_for(source, event_type) is not None
            assert (source, event_type) in live_event_types(CustomersService)   # batched


def test_an_unknown_senders_ticket_shows_once_attached_and_only_once(book):
    """Created without a customer (a mail no customer's address matched): no entry, nothing
    raised; attached later (ticket_updated naming customer_id): the customer's "ticket
    created" entry, dated when the ticket was; its other moves follow; another update or a
    re-attachment after a customer merge adds none."""
    db, customer, _ = book
    record = {"id": "t-9", "customer_id": None, "contact_id": None, "subject": "Order 42?",
              "category": None, "priority": "medium", "channel": "email", "team_id": None,
              "assignee_id": None, "tags": ["unmatched_sender"], "status": "new",
              "status_category": "open", "merged_into": None, "created_by": "inbound_email",
              "created_at": at(10), "updated_at": at(10), "first_responded_at": None,
              "resolved_at": None, "closed_at": None}
    moved = {"ticket_id": "t-9", "from_status": "new", "to_status": "resolved",
             "from_category": "open", "to_category": "resolved", "reason": "manual",
             "changed_by": "u-agent", "changed_at": at(11)}
    assert consume(db, desk("ticket_created", **record),
                   desk("ticket_status_changed", **moved, customer_id=None)) == [
        inbox.PROCESSED] * 2
    assert whole_timeline(db, REP_A, customer) == []
    attached = {**record, "customer_id": customer, "changed_by": "u-agent"}
    consume(db, desk("ticket_updated", **attached, changed=["customer_id"]),
            desk("ticket_updated", **attached, changed=["subject"]),
            desk("ticket_updated", **attached, changed=["customer_id"]))
    [entry] = whole_timeline(db, REP_A, customer)
    assert (entry["kind"], entry["ref_id"], entry["occurred_at"]) == (
        "ticket_created", "t-9", at(10))
    consume(db, desk("ticket_status_changed", **{**moved, "to_status": "closed",
                                                  "changed_at": at(12)}, customer_id=customer))
    assert [item["kind"] for item in whole_timeline(db, REP_A, customer)] == [
        "ticket_closed", "ticket_created"]
