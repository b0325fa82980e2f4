"""Segments follow a batch of events with one evaluation for the union of the contacts the
batch touched, at the end of its transaction (segments/touched.py): the same memberships and
counts as applying the events one by one, the history holding each contact's net change over
the batch with the types of the events that touched it; a redelivered batch changes nothing; a
failing event makes the batch fall back to one by one, each event evaluated once."""
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, func, select

from services.chassis import inbox
from services.chassis.auth import Principal
from services.chassis.models import OutboxEvent
from services.marketing.segments import membership
from services.marketing.segments.handlers import definitions
from services.marketing.segments.models import Segment, SegmentMember, SegmentMembershipChange
from services.marketing.service import MarketingService
from tests.unit.marketing.support import (Log, apply, contact, customer, evaluate_segments,
                                          marketing_db, updated)

MARKETER = Principal("u-mkt", "marketer")
SEGMENTS = {"North": [[{"field": "region", "op": "eq", "value": "north"}]],
            "Education": [[{"field": "tags", "op": "any", "value": ["education"]}]]}


def assigned(customer_id, region):
    return {"id": customer_id, "owner_id": "u-rep2", "previous_owner_id": None,
            "region": region, "reason": "round_robin", "assigned_by": "system"}


def workload():
    """An import's pair per customer and more: c-1 created in the south and assigned to the
    north (joins North), then tagged (joins Education) with a contact person added; c-2 created
    in the north and moved south within the same batch (one by one: joins, then leaves)."""
    log = Log("customers")
    return [log.emit("customer_created", customer(region="south")),
            log.emit("customer_assigned", assigned("c-1", "north")),
            log.emit("customer_created", customer(id="c-2", name="Beta", region="north")),
            log.emit("customer_updated", updated(["region"], id="c-2", name="Beta",
                                                 region="south")),
            log.emit("contact_added", contact()),
            log.emit("customer_tagged", {"customer_id": "c-1", "tags": ["Education"],
                                         "added": ["Education"], "removed": []})]


@pytest.fixture
def evaluations(monkeypatch):
    """Every membership.reevaluate call: (contacts, reason)."""
    calls, real = [], membership.reevaluate

    def counting(session, contact_ids, reason, now, scope=None):
        calls.append((sorted(contact_ids), reason))
        return real(session, contact_ids, reason, now, scope)
    monkeypatch.setattr(membership, "reevaluate", counting)
    return calls


def with_segments():
    db = marketing_db(create_engine("sqlite://"))
    with db.unit_of_work(actor=MARKETER.user_id) as uow:
        for name, rules in SEGMENTS.items():
            definitions.create_segment(uow, MARKETER, {"name": name, "kind": "dynamic",
                                                       "rules": rules})
    evaluate_segments(db)                   # the (empty) backfills, done
    return db


def state(db):
    """Members and counts, and the history, by segment name."""
    with db.read_only() as session:
        names = dict(session.execute(select(Segment.id, Segment.name)).all())
        members = sorted((names[s], c) for s, c in session.execute(
            select(SegmentMember.segment_id, SegmentMember.contact_id)))
        count = {names[s]: n for s, n in session.execute(select(Segment.id, Segment.member_count))}
        history = sorted((names[h.segment_id], h.contact_id, h.change, h.reason)
                         for h in session.scalars(select(SegmentMembershipChange)))
        outbox = session.scalar(select(func.count()).select_from(OutboxEvent))
    return members, count, history, outbox


def test_a_batch_evaluates_once_with_the_memberships_of_one_by_one(evaluations):
    one_by_one, batched, events = with_segments(), with_segments(), workload()
    apply(one_by_one, *events)
    assert len(evaluations) == len(events)
    evaluations.clear()

    outcomes = inbox.consume_all(batched, MarketingService.subscriptions, events)
    assert outcomes == [inbox.PROCESSED] * len(events)
    assert evaluations == [(["c-1", "c-2", "ct-1"], {
        "c-1": "customer_created+customer_assigned+customer_tagged",
        "c-2": "customer_created+customer_updated",
        "ct-1": "contact_added+customer_tagged"})]

    members, count, history, outbox = state(batched)
    assert (members, count, outbox) == state(one_by_one)[:2] + (state(one_by_one)[3],)
    assert members == [("Education", "c-1"), ("Education", "ct-1"), ("North", "c-1"),
                       ("North", "ct-1")]
    assert count == {"North": 2, "Education": 2}
    assert state(one_by_one)[2] == [
        ("Education", "c-1", "joined", "customer_tagged"),
        ("Education", "ct-1", "joined", "customer_tagged"),
        ("North", "c-1", "joined", "customer_assigned"),
        ("North", "c-2", "joined", "customer_created"),
        ("North", "c-2", "left", "customer_updated"),
        ("North", "ct-1", "joined", "contact_added")]
    # The batch's net change per contact (c-2 was never a member in a committed state),
    # attributed to the events of the batch that touched the contact.
    assert history == [
        ("Education", "c-1", "joined", "customer_created+customer_assigned+customer_tagged"),
        ("Education", "ct-1", "joined", "contact_added+customer_tagged"),
        ("North", "c-1", "joined", "customer_created+customer_assigned+customer_tagged"),
        ("North", "ct-1", "joined", "contact_added+customer_tagged")]


def test_a_redelivered_batch_changes_nothing(evaluations):
    db, events = with_segments(), workload()
    inbox.consume_all(db, MarketingService.subscriptions, events)
    before = state(db)
    evaluations.clear()
    assert inbox.consume_all(db, MarketingService.subscriptions, events) == \
        [inbox.DUPLICATE] * len(events)
    assert evaluations == []
    assert state(db) == before


def test_a_single_event_is_evaluated_and_recorded_as_before(evaluations):
    db = with_segments()
    apply(db, *workload()[:2])
    assert evaluations == [(["c-1"], {"c-1": "customer_created"}),
                           (["c-1"], {"c-1": "customer_assigned"})]
    assert state(db)[2] == [("North", "c-1", "joined", "customer_assigned")]


def test_a_failing_event_falls_back_to_one_by_one_each_evaluated_once(evaluations):
    db, events = with_segments(), workload()[:3]
    events[1] = {**events[1], "payload": {"id": "c-1"}}          # unreadable: raises
    service = MarketingService()
    service.db, service.metrics = db, SimpleNamespace(event_consumed=lambda *args: None,
                                                  events_consumed=lambda *args: None)
    outcomes = service.apply_events(events)
    assert outcomes == [inbox.PROCESSED, inbox.FAILED, inbox.PROCESSED]
    # The batch failed before its end: never evaluated; then each good event once.
    assert evaluations == [(["c-1"], {"c-1": "customer_created"}),
                           (["c-2"], {"c-2": "customer_created"})]
    assert state(db)[0] == [("North", "c-2")]


def test_the_catch_up_evaluates_once_per_page(evaluations):
    db, events = with_segments(), workload()
    applied, position = inbox.catch_up(
        db, MarketingService.subscriptions,
        lambda after, limit: [e for e in events if e["sequence"] > after][:limit],
        "customers", page_size=4)
    assert (applied, position) == (6, 6)
    assert [contacts for contacts, _reason in evaluations] == [["c-1", "c-2"], ["c-1", "ct-1"]]
    assert state(db)[0] == [("Education", "c-1"), ("Education", "ct-1"), ("North", "c-1"),
                            ("North", "ct-1")]


def test_no_segment_no_evaluation(evaluations):
    db = marketing_db(create_engine("sqlite://"))
    assert inbox.consume_all(db, MarketingService.subscriptions, workload()) == \
        [inbox.PROCESSED] * 6
    assert evaluations == []
