"""The trail over a real (in-memory SQLite) audit database: entries from events, exactly once,
in each producer's order, and the same after a rebuild from the logs."""
import json

import pytest

from services.audit import ordering, rebuild
from services.chassis import inbox
from tests.unit.audit.support import (SUBSCRIPTIONS, T0, Log, audit_db, customer, deal, entries,
                                      user)


@pytest.fixture
def db(memory_engine):
    return audit_db(memory_engine)


def consume(db, *envelopes):
    return [inbox.consume(db, SUBSCRIPTIONS, envelope) for envelope in envelopes]


def customers_log():
    log = Log("customers")
    log.emit("customer_created", customer())
    log.emit("customer_assigned", {"id": "c-1", "owner_id": "u-rep1", "previous_owner_id": None,
                                   "region": "north", "reason": "creator", "assigned_by": "u-rep1"})
    log.emit("customer_updated", {**customer(name="Acme Ltd", lifecycle_stage="prospect"),
                                  "changed": ["lifecycle_stage", "name"]})
    log.emit("customer_tagged", {"customer_id": "c-1", "tags": ["vip"], "added": ["vip"],
                                 "removed": []})
    log.emit("customer_assigned", {"id": "c-1", "owner_id": "u-rep2",
                                   "previous_owner_id": "u-rep1", "region": "north",
                                   "reason": "manual", "assigned_by": "u-mgr"}, actor="u-mgr")
    return log


def test_each_change_is_one_entry_from_what_to_what_by_whom(db):
    consume(db, *customers_log().events)
    trail = entries(db)
    created = trail[0]
    assert created[:4] == ("customer", "c-1", "created", None)
    assert json.loads(created[5])["name"] == "Acme" and created[4] == "null"
    assert trail[1:] == [
        # the creator's own assignment changes nothing
        ("customer", "c-1", "changed", "lifecycle_stage", '"lead"', '"prospect"', "u-rep1"),
        ("customer", "c-1", "changed", "name", '"Acme"', '"Acme Ltd"', "u-rep1"),
        ("customer", "c-1", "changed", "tags", "[]", '["vip"]', "u-rep1"),
        ("customer", "c-1", "changed", "owner_id", '"u-rep1"', '"u-rep2"', "u-mgr"),
    ]


def test_a_deal_moving_through_its_stages_and_won(db):
    log = Log("sales")
    log.emit("deal_created", deal())
    log.emit("deal_stage_changed", {"deal_id": "d-1", "from_stage": "initial_contact",
                                    "to_stage": "won", "probability": 100, "amount": "1000.00",
                                    "currency": "EUR", "owner_id": "u-rep1",
                                    "changed_by": "u-rep1", "changed_at": T0, "reason": None})
    log.emit("deal_won", {**deal(stage="won", probability=100, closed_at=T0),
                          "changed_by": "u-rep1"})
    consume(db, *log.events)
    assert entries(db, action="changed") == [
        ("deal", "d-1", "changed", "stage", '"initial_contact"', '"won"', "u-rep1"),
        ("deal", "d-1", "changed", "closed_at", "null", json.dumps(T0.isoformat()), "u-rep1"),
    ]


def test_an_event_applied_twice_gives_one_entry(db):
    log = customers_log()
    assert consume(db, *log.events) == [inbox.PROCESSED] * 5
    assert consume(db, *log.events) == [inbox.DUPLICATE] * 5
    assert len(entries(db)) == 5


def test_a_user_record_keeps_no_secret_and_a_new_password_shows_as_changed(db):
    log = Log("identity")
    log.emit("user_created", user(), actor="u-admin")
    log.emit("user_updated", user(role="manager"), actor="u-admin")
    log.emit("user_tokens_revoked", {"user_id": "u-rep1", "token_version": 2, "active": True,
                                     "reason": "password_changed", "revoked_at": T0},
             actor="u-admin")
    consume(db, *log.events)
    assert entries(db, action="changed") == [
        ("user", "u-rep1", "changed", "role", '"sales_rep"', '"manager"', "u-admin"),
        ("user", "u-rep1", "changed", "password", None, None, "u-admin"),
    ]


def test_live_events_are_applied_only_in_their_producers_order(db):
    first, second, third = customers_log().events[:3]
    assert ordering.consume_in_order(db, SUBSCRIPTIONS, second) == ordering.OUT_OF_ORDER
    assert entries(db) == []                     # nothing kept, not even its inbox row
    assert ordering.consume_in_order(db, SUBSCRIPTIONS, first) == inbox.PROCESSED
    assert ordering.consume_in_order(db, SUBSCRIPTIONS, third) == ordering.OUT_OF_ORDER
    assert ordering.consume_in_order(db, SUBSCRIPTIONS, second) == inbox.PROCESSED
    assert ordering.consume_in_order(db, SUBSCRIPTIONS, third) == inbox.PROCESSED
    assert ordering.consume_in_order(db, SUBSCRIPTIONS, third) == inbox.DUPLICATE
    assert [e[3] for e in entries(db)] == [None, "lifecycle_stage", "name"]


def test_the_catch_up_and_the_live_path_share_one_position(db):
    log = customers_log()
    assert inbox.catch_up(db, SUBSCRIPTIONS, log.fetch, "customers") == (5, 5)
    following = log.emit("customer_updated", {**customer(name="Acme Group", owner_id="u-rep2"),
                                              "changed": ["name"]})
    assert ordering.consume_in_order(db, SUBSCRIPTIONS, following) == inbox.PROCESSED
    assert entries(db)[-1][3:6] == ("name", '"Acme Ltd"', '"Acme Group"')


def test_a_rebuild_from_the_logs_gives_the_same_trail(db, memory_engine):
    logs = [customers_log(), Log("sales"), Log("identity")]
    logs[1].emit("deal_created", deal())
    logs[1].emit("deal_updated", {**deal(amount="1500.00"), "changed": ["amount", "lines"]})
    logs[2].emit("user_created", user(), actor="u-admin")
    for log in logs:
        inbox.catch_up(db, SUBSCRIPTIONS, log.fetch, log.source)
    before = entries(db)
    with memory_engine.begin() as connection:
        assert rebuild.reset(connection)["audit_entries"] == len(before)
    assert entries(db) == []
    for log in reversed(logs):
        inbox.catch_up(db, SUBSCRIPTIONS, log.fetch, log.source)
    assert entries(db) == before


def test_a_live_event_waits_a_moment_for_its_predecessor_then_gives_up(db):
    first, second, third = customers_log().events[:3]
    assert not ordering.wait_for_predecessor(db, second, timeout=0.05)   # nothing applied yet
    assert ordering.consume_in_order(db, SUBSCRIPTIONS, first) == inbox.PROCESSED
    assert ordering.wait_for_predecessor(db, second, timeout=0)
    assert not ordering.wait_for_predecessor(db, third, timeout=0)


def test_a_record_created_and_changed_in_one_page_of_the_catch_up(db):
    """One transaction for the page (not the fallback of one per event, which would hide a
    failure): the second event sees the state the first one left, not yet flushed."""
    log = Log("sales")
    product = {"id": "p-1", "name": "Widget", "series": "W", "list_price": "10.00",
               "currency": "EUR", "active": True, "created_at": T0, "updated_at": T0}
    log.emit("product_created", product, actor="u-admin")
    log.emit("product_updated", {**product, "list_price": "12.00", "changed": ["list_price"]},
             actor="u-admin")
    log.emit("product_updated", {**product, "list_price": "13.00", "changed": ["list_price"]},
             actor="u-admin")
    assert inbox.consume_all(db, SUBSCRIPTIONS, log.events) == [inbox.PROCESSED] * 3
    assert [e[3:6] for e in entries(db, action="changed")] == [
        ("list_price", '"10.00"', '"12.00"'), ("list_price", '"12.00"', '"13.00"')]


def test_entries_of_time_ordered_events_take_their_time_first_and_the_same_ids_again(
        db, memory_engine):
    """An event id laid out as a version 7 UUID (the chassis's new_ordered_id) lends its entries
    its first 48 bits (the milliseconds): entries' primary key grows in time order, not at a
    random page. A rebuild gives the same ids; an id of another layout keeps the name-based one."""
    from sqlalchemy import select

    from services.audit.models import AuditEntry
    from services.chassis.db import new_ordered_id

    log = customers_log()
    t0_ms = 1_767_225_600_000
    for step, envelope in enumerate(log.events[:3]):
        envelope["event_id"] = new_ordered_id(t0_ms + 1000 * step)

    def ids():
        with db.read_only() as session:
            return session.execute(select(AuditEntry.event_id, AuditEntry.id)
                                   .order_by(AuditEntry.sequence, AuditEntry.field)).all()

    inbox.catch_up(db, SUBSCRIPTIONS, log.fetch, log.source)
    first = ids()
    ordered = [entry_id for event_id, entry_id in first if event_id[14] == "7"]
    assert len(ordered) == 3                        # the creation, then stage and name
    assert all(entry_id[:13] == event_id[:13] for event_id, entry_id in first
               if event_id[14] == "7")
    assert [entry_id[:13] for entry_id in ordered] == sorted(entry_id[:13] for entry_id in ordered)
    assert all(entry_id[14] == "5" for _event_id, entry_id in first)     # name-based
    assert all(entry_id[:13] != event_id[:13] for event_id, entry_id in first
               if event_id[14] != "7")
    with memory_engine.begin() as connection:
        rebuild.reset(connection)
    inbox.catch_up(db, SUBSCRIPTIONS, log.fetch, log.source)
    assert ids() == first
