"""Stage rules: history, closing, reopening, illegal moves — and events for each move."""
import pytest

from services.chassis.errors import Conflict, Forbidden, Invalid, NotFound
from services.sales.deals.handlers import deals, moves, pipeline
from tests.unit.sales.support import ADMIN, MANAGER, REP_A, REP_B, REP_C, call, deal, events

FORWARD = ["needs_analysis", "proposal", "negotiation", "won"]


def move(db, principal, deal_id, stage, **extra):
    return call(db, moves.move_deal, principal, deal_id, {"stage": stage, **extra})


def history(db, principal, deal_id):
    return call(db, deals.stage_history, principal, deal_id, write=False)


def test_a_deal_starts_in_the_first_stage_and_every_move_is_recorded(db):
    created = deal(db)
    assert (created["stage"], created["probability"]) == ("initial_contact", 10)
    for stage in FORWARD:
        moved = move(db, REP_A, created["id"], stage)
    assert (moved["stage"], moved["probability"], moved["closed_at"] is not None) == ("won", 100, True)
    steps = [(h["from_stage"], h["to_stage"], h["changed_by"]) for h in history(db, REP_A, created["id"])]
    assert steps == [(None, "initial_contact", "u-rep-a")] + list(zip(
        ["initial_contact"] + FORWARD[:-1], FORWARD, ["u-rep-a"] * 4))
    changed = [p["to_stage"] for _, p in events(db, "deal_stage_changed")]
    assert changed == FORWARD
    assert [p["id"] for _, p in events(db, "deal_won")] == [created["id"]]


def test_losing_needs_a_reason_and_says_so(db):
    created = deal(db)
    with pytest.raises(Invalid) as error:
        move(db, REP_A, created["id"], "lost")
    assert "lost_reason" in error.value.details
    assert history(db, REP_A, created["id"])[-1]["to_stage"] == "initial_contact"
    lost = move(db, REP_A, created["id"], "lost", lost_reason="Price")
    assert (lost["stage"], lost["lost_reason"], lost["probability"]) == ("lost", "Price", 0)
    assert events(db, "deal_lost")[0][1]["lost_reason"] == "Price"


@pytest.mark.parametrize("closing", [("won", {}), ("lost", {"lost_reason": "No budget"})])
def test_only_a_manager_or_admin_reopens_a_closed_deal(db, closing):
    stage, extra = closing
    created = deal(db)
    move(db, REP_A, created["id"], stage, **extra)
    with pytest.raises(Forbidden):
        move(db, REP_A, created["id"], "negotiation")
    with pytest.raises(Forbidden):
        move(db, REP_A, created["id"], "lost" if stage == "won" else "won", lost_reason="x")
    reopened = move(db, MANAGER, created["id"], "negotiation")
    assert (reopened["stage"], reopened["closed_at"], reopened["lost_reason"]) == ("negotiation", None, None)
    assert move(db, ADMIN, created["id"], "won")["stage"] == "won"


def test_illegal_moves_are_refused_and_change_nothing(db):
    created = deal(db)
    with pytest.raises(Conflict):
        move(db, REP_A, created["id"], "initial_contact")
    with pytest.raises(Invalid) as error:
        move(db, REP_A, created["id"], "signed")
    assert "needs_analysis" in error.value.details["stage"][0]
    with pytest.raises(Invalid):
        call(db, moves.move_deal, REP_A, created["id"], {"stage": "won", "extra": 1})
    assert len(history(db, REP_A, created["id"])) == 1
    assert events(db, "deal_stage_changed") == []


def test_someone_elses_deal_is_not_found(db):
    created = deal(db, REP_A)
    with pytest.raises(NotFound):
        move(db, REP_C, created["id"], "won")
    with pytest.raises(NotFound):
        history(db, REP_B, created["id"])
    assert move(db, MANAGER, created["id"], "proposal")["stage"] == "proposal"


def test_a_retired_stage_cannot_be_entered_and_probabilities_are_configurable(db):
    created = deal(db)
    call(db, pipeline.update_stage, ADMIN, "needs_analysis", {"active": False})
    with pytest.raises(Invalid):
        move(db, REP_A, created["id"], "needs_analysis")
    call(db, pipeline.update_stage, ADMIN, "proposal", {"probability": 40})
    assert move(db, REP_A, created["id"], "proposal")["probability"] == 40
    with pytest.raises(Conflict):
        call(db, pipeline.update_stage, ADMIN, "won", {"active": False})


def test_every_stage_change_is_an_event_with_the_whole_stage(db):
    """Configuration is data: reporting re-weights the stage's deals from this event."""
    call(db, pipeline.update_stage, ADMIN, "needs_analysis", {"probability": 72})
    call(db, pipeline.update_stage, ADMIN, "proposal", {"active": False, "name": "Quote"})
    call(db, pipeline.update_stage, ADMIN, "negotiation", {"probability": 75})   # no change
    with pytest.raises(Conflict):
        call(db, pipeline.update_stage, ADMIN, "lost", {"active": False})
    published = [payload for _, payload in events(db, "pipeline_stage_updated")]
    assert [(p["key"], p["changed"], p["probability"], p["active"], p["name"], p["position"],
             p["kind"], p["changed_by"]) for p in published] == [
        ("needs_analysis", ["probability"], 72, True, "Needs analysis", 2, "open", "u-admin"),
        ("proposal", ["active", "name"], 50, False, "Quote", 3, "open", "u-admin")]
