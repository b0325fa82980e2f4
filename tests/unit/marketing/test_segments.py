"""Segments over a real marketing database: a dynamic segment's members are right the moment
it is created; an event that changes a contact moves it in or out (only that contact is
evaluated) with the history saying when and why; static lists, includes and excludes; the
relative-date recheck; and every bad definition a precise 422 that writes nothing."""
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select

from services.chassis.auth import Principal
from services.chassis.errors import Conflict, Invalid
from services.chassis.models import OutboxEvent
from services.marketing.audience.models import AudienceContact
from services.marketing.segments import membership
from services.marketing.segments.handlers import definitions, members
from services.marketing.segments.models import Segment, SegmentMembershipChange
from tests.unit.marketing.support import (T0, Log, apply, contact, customer, evaluate_segments,
                                          marketing_db, updated)

MARKETER = Principal("u-mkt", "marketer")
NORTH = [[{"field": "region", "op": "eq", "value": "north"}]]


@pytest.fixture
def db():
    return marketing_db(create_engine("sqlite://"))


@pytest.fixture
def customers(db):
    log = Log("customers")
    apply(db, log.emit("customer_created", customer()),
          log.emit("customer_created", customer(id="c-2", name="Beta", region="south")),
          log.emit("contact_added", contact()))
    return log


def write(db, function, *args):
    with db.unit_of_work(actor=MARKETER.user_id) as uow:
        return function(uow, MARKETER, *args)


def read(db, function, *args):
    with db.read_only() as session:
        return function(session, MARKETER, *args)


def member_ids(db, segment_id):
    return [m["id"] for m in read(db, members.list_members, segment_id, {"limit": 100})["items"]]


def counts(db):
    with db.read_only() as session:
        return tuple(session.scalar(select(func.count()).select_from(model))
                     for model in (Segment, SegmentMembershipChange, OutboxEvent))


def test_a_dynamic_segment_follows_its_contacts_changes(db, customers):
    segment = write(db, definitions.create_segment, {"name": "North", "kind": "dynamic",
                                                     "rules": NORTH})
    assert segment["evaluation"] == {"status": "evaluating", "evaluated": 0, "total": 3}
    assert segment["member_count"] == 0
    assert evaluate_segments(db) == 3
    segment = read(db, definitions.get_segment, segment["id"])
    assert segment["evaluation"] == {"status": "ready", "evaluated": 3, "total": 3}
    assert segment["member_count"] == 2
    assert member_ids(db, segment["id"]) == ["c-1", "ct-1"]
    apply(db, customers.emit("customer_updated", updated(["region"], region="south")))
    assert read(db, definitions.get_segment, segment["id"])["member_count"] == 0
    apply(db, customers.emit("customer_updated", updated(["region"], id="c-2", name="Beta",
                                                         region="north")))
    assert member_ids(db, segment["id"]) == ["c-2"]
    history = read(db, members.membership_history, segment["id"], {"contact_id": "c-1"})
    assert [(h["change"], h["reason"]) for h in history["items"]] == [
        ("left", "customer_updated"), ("joined", "segment_created")]


def test_tags_and_purchases_move_contacts_too(db, customers):
    segment = write(db, definitions.create_segment, {"name": "Edu buyers", "kind": "dynamic",
                                                     "rules": [[
        {"field": "tags", "op": "any", "value": ["education"]},
        {"field": "products", "op": "any", "value": ["p-1"]}]]})
    assert segment["member_count"] == 0
    apply(db, customers.emit("customer_tagged", {"customer_id": "c-1", "tags": ["Education"],
                                                 "added": ["Education"], "removed": []}))
    sales = Log("sales")
    from tests.unit.marketing.support import deal
    apply(db, sales.emit("deal_won", deal()))
    assert member_ids(db, segment["id"]) == ["c-1", "ct-1"]
    reasons = read(db, members.membership_history, segment["id"], {})["items"]
    assert {h["reason"] for h in reasons} == {"deal_won"}


def test_static_lists_includes_and_excludes(db, customers):
    vip = write(db, definitions.create_segment, {"name": "VIP", "kind": "static"})
    north = write(db, definitions.create_segment, {"name": "North", "kind": "dynamic",
                                                   "rules": NORTH})
    target = write(db, definitions.create_segment, {
        "name": "North or VIP, not blocked", "kind": "dynamic", "include": [vip["id"], north["id"]]})
    blocked = write(db, definitions.create_segment, {"name": "Blocked", "kind": "static"})
    write(db, definitions.update_segment, target["id"], {"exclude": [blocked["id"]]})
    evaluate_segments(db)
    assert member_ids(db, target["id"]) == ["c-1", "ct-1"]
    added = write(db, members.add_members, vip["id"], {"contact_ids": ["c-2", "c-2"]})
    assert (added["changed"], added["member_count"]) == (1, 1)
    assert member_ids(db, target["id"]) == ["c-1", "c-2", "ct-1"]
    write(db, members.add_members, blocked["id"], {"contact_ids": ["ct-1"]})
    assert member_ids(db, target["id"]) == ["c-1", "c-2"]
    write(db, members.remove_members, vip["id"], {"contact_ids": ["c-2"]})
    assert member_ids(db, target["id"]) == ["c-1"]
    with pytest.raises(Conflict):
        write(db, members.add_members, north["id"], {"contact_ids": ["c-2"]})
    with pytest.raises(Conflict):                  # still excluded by `target`
        write(db, definitions.delete_segment, blocked["id"])
    with pytest.raises(Invalid) as error:          # target → north → target
        write(db, definitions.update_segment, north["id"], {"include": [target["id"]]})
    assert "cycle" in error.value.details["include"][0]


def test_a_relative_date_is_rechecked_when_it_reaches_its_edge_only(db, customers):
    write(db, definitions.create_segment, {"name": "New", "kind": "dynamic", "rules": [[
        {"field": "created_at", "op": "within_last_days", "value": 3650}]]})
    evaluate_segments(db)
    with db.read_only() as session:
        due = session.scalar(select(AudienceContact.recheck_at).where(AudienceContact.id == "c-1"))
    assert due == T0 + timedelta(days=3650, seconds=1)
    with db.unit_of_work() as uow:
        assert membership.due_for_recheck(uow.session, due - timedelta(seconds=1)) == []
        found = membership.due_for_recheck(uow.session, due)
        assert set(found) == {"c-1", "c-2", "ct-1"}
        assert membership.reevaluate(uow.session, found, "time", due) == 3
    with db.read_only() as session:
        assert session.scalar(select(AudienceContact.recheck_at)
                              .where(AudienceContact.id == "c-1")) is None


@pytest.mark.parametrize("body, field", [
    ({"name": "X", "kind": "dynamic", "rules": [[{"field": "colour", "op": "eq",
                                                   "value": "red"}]]}, "rules"),
    ({"name": "X", "kind": "dynamic", "rules": [[{"field": "size", "op": "like",
                                                   "value": 1}]]}, "rules"),
    ({"name": "X", "kind": "static", "rules": NORTH}, "rules"),
    ({"name": "X", "kind": "dynamic", "include": ["no-such-segment"]}, "include"),
    ({"name": "X", "kind": "smart"}, "kind"),
    ({"name": " ", "kind": "static"}, "name"),
    ({"name": "X", "kind": "static", "owner": "me"}, "owner"),
])
def test_a_bad_definition_is_a_precise_422_that_writes_nothing(db, customers, body, field):
    with pytest.raises(Invalid) as error:
        write(db, definitions.create_segment, body)
    assert field in error.value.details
    assert counts(db) == (0, 0, 0)


def test_a_bad_change_changes_nothing(db, customers):
    segment = write(db, definitions.create_segment, {"name": "North", "kind": "dynamic",
                                                     "rules": NORTH})
    evaluate_segments(db)
    before = counts(db)
    with pytest.raises(Invalid) as error:
        write(db, definitions.update_segment, segment["id"], {
            "rules": [[{"field": "region", "op": "eq", "value": "south"}],
                      [{"field": "region", "op": "between", "value": "a"}]]})
    assert list(error.value.details["rules"]) == [1]
    assert counts(db) == before and member_ids(db, segment["id"]) == ["c-1", "ct-1"]
    with pytest.raises(Conflict):
        write(db, definitions.create_segment, {"name": "NORTH", "kind": "static"})
