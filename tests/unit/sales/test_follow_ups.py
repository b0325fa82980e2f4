"""Automatic follow-ups: a deal entering a stage with a rule makes one task for the deal's owner
due `days` later, in the move's transaction (an import replaying history makes none); a sent
quote likewise; rules are admin-editable."""
from datetime import datetime, timedelta, timezone

import pytest

from services.chassis.errors import Invalid
from services.sales.deals.handlers import moves
from services.sales.imports import handlers as deal_import
from services.sales.tasks.handlers import follow_ups, tasks
from tests.unit.sales.support import ADMIN, MANAGER, REP_A, REP_B, call, deal, events, product
from tests.unit.sales.task_support import listed, seed_rules


def follow_ups_of(db, principal=REP_A):
    return [item for item in listed(db, principal)["items"] if item["origin"] != "manual"]


def test_entering_a_stage_with_a_rule_makes_one_follow_up_for_the_owner(db):
    seed_rules(db)
    created = deal(db, REP_B)
    call(db, moves.move_deal, MANAGER, created["id"], {"stage": "needs_analysis"})   # no rule
    assert follow_ups_of(db, REP_B) == []
    call(db, moves.move_deal, MANAGER, created["id"], {"stage": "proposal"})
    (made,) = follow_ups_of(db, REP_B)
    (_, change), = [e for e in events(db, "deal_stage_changed") if e[1]["to_stage"] == "proposal"]
    changed_at = datetime.fromisoformat(change["changed_at"])
    assert (made["title"], made["kind"], made["origin"], made["deal_id"], made["customer_id"],
            made["assignee_id"], made["created_by"]) == (
        "Follow up on the proposal", "follow_up", "stage_follow_up", created["id"], "c-1",
        REP_B.user_id, MANAGER.user_id)
    assert datetime.fromisoformat(made["due_at"]) == changed_at + timedelta(days=3)
    assert [p["id"] for _, p in events(db, "task_created")] == [made["id"]]
    # back and in again: a new occurrence, a second follow-up
    call(db, moves.move_deal, REP_B, created["id"], {"stage": "needs_analysis"})
    call(db, moves.move_deal, REP_B, created["id"], {"stage": "proposal"})
    assert len(follow_ups_of(db, REP_B)) == 2


def test_a_refused_move_makes_no_follow_up(db):
    seed_rules(db)
    created = deal(db, REP_A)
    with pytest.raises(Invalid):
        call(db, moves.move_deal, REP_A, created["id"], {"stage": "nowhere"})
    call(db, moves.move_deal, REP_A, created["id"], {"stage": "proposal"})
    with pytest.raises(Exception):
        call(db, moves.move_deal, REP_A, created["id"], {"stage": "proposal"})   # 409
    assert len(follow_ups_of(db)) == 1


def test_the_same_occurrence_never_makes_two(db):
    seed_rules(db)
    quote = {"id": "q-1", "deal_id": deal(db, REP_A)["id"], "customer_id": "c-1",
             "owner_id": REP_A.user_id, "sent_at": datetime(2026, 3, 2, 10, tzinfo=timezone.utc)}
    with db.unit_of_work() as uow:
        first = follow_ups.on_quote_sent(uow, quote, REP_A.user_id)
        assert follow_ups.on_quote_sent(uow, quote, REP_A.user_id) is None
    (made,) = follow_ups_of(db)
    assert made["id"] == first.id and made["title"] == "Follow up on the quote"
    assert (made["origin"], made["due_at"]) == ("quote_follow_up", "2026-03-05T10:00:00+00:00")
    assert made["overdue"] is True


def test_rules_are_read_by_anyone_and_replaced_by_admin(db):
    seed_rules(db)
    triggers = [rule["trigger"] for rule in call(db, follow_ups.rules, REP_A, write=False)["rules"]]
    assert "quote_sent" in triggers and "stage:proposal" in triggers
    replaced = call(db, follow_ups.replace_rules, ADMIN, {"rules": [
        {"trigger": "stage:needs_analysis", "days": 1, "title": "Book the demo"},
        {"trigger": "quote_sent", "days": 2, "title": "Chase the quote", "active": False}]})
    assert replaced["rules"] == [
        {"trigger": "quote_sent", "days": 2, "title": "Chase the quote", "active": False},
        {"trigger": "stage:needs_analysis", "days": 1, "title": "Book the demo", "active": True}]
    for bad in ({"rules": [{"trigger": "whenever", "days": 1, "title": "x"}]},
                {"rules": [{"trigger": "quote_sent", "days": -1, "title": "x"}]},
                {"rules": [{"trigger": "quote_sent", "days": 1, "title": "x"}] * 2},
                {}):
        with pytest.raises(Invalid):
            call(db, follow_ups.replace_rules, ADMIN, bad)
    created = deal(db, REP_A)
    call(db, moves.move_deal, REP_A, created["id"], {"stage": "proposal"})       # rule removed
    call(db, moves.move_deal, REP_A, created["id"], {"stage": "needs_analysis"})
    (made,) = follow_ups_of(db)
    assert made["title"] == "Book the demo"
    with db.unit_of_work() as uow:                                               # inactive
        assert follow_ups.on_quote_sent(uow, {"id": "q", "deal_id": created["id"],
                                              "owner_id": REP_A.user_id,
                                              "sent_at": datetime.now(timezone.utc)}, "x") is None
    call(db, tasks.complete_task, REP_A, made["id"])


def test_an_import_replaying_history_makes_no_follow_ups(db):
    seed_rules(db)
    gtx = product(db)
    imported = call(db, deal_import.import_deals, ADMIN, {"rows": [{
        "external_ref": "OPP-9", "name": "Old deal", "customer_id": "c-1",
        "owner_id": REP_A.user_id, "currency": "USD",
        "lines": [{"product_id": gtx["id"], "quantity": 1, "unit_price": "10.00"}],
        "history": [{"stage": "initial_contact", "at": "2016-10-25T12:00:00Z"},
                    {"stage": "proposal", "at": "2016-10-26T12:00:00Z"},
                    {"stage": "negotiation", "at": "2016-10-27T12:00:00Z"}]}]}, {"c-1": "c-1"})
    assert imported["created"] == 1
    assert follow_ups_of(db, ADMIN) == [] and events(db, "task_created") == []
