"""Lead capture, round-robin assignment, status rules, scoring explained per factor, scope."""
import pytest

from services.chassis.errors import Conflict, Forbidden, Invalid, NotFound
from services.sales.leads.handlers import leads, scoring
from services.sales.leads.models import Lead
from tests.unit.sales.support import (ADMIN, MANAGER, MARKETER, REP_A, REP_B, REP_C, call, events,
                                      lead, user_event)


def status(db, principal, lead_id, value, **extra):
    return call(db, leads.set_status, principal, lead_id, {"status": value, **extra})


def test_a_reps_lead_is_theirs_and_others_go_round_robin_in_the_region(db):
    assert lead(db, REP_A)["owner_id"] == "u-rep-a"
    owners = [lead(db, MARKETER, region="EU")["owner_id"] for _ in range(4)]
    assert owners == ["u-rep-a", "u-rep-b", "u-rep-a", "u-rep-b"]
    assert lead(db, ADMIN, region="US")["owner_id"] == "u-rep-c"
    user_event(db, REP_B, active=False, event_type="user_deactivated")
    assert lead(db, ADMIN, region="EU")["owner_id"] == "u-rep-a"
    with pytest.raises(Forbidden):
        lead(db, REP_A, owner_id="u-rep-b")
    with pytest.raises(Forbidden):
        lead(db, MANAGER, owner_id="u-rep-c")                   # not in the manager's team
    assert lead(db, MANAGER, owner_id="u-rep-a")["owner_id"] == "u-rep-a"


def test_status_goes_new_contacted_qualified_and_disqualifying_needs_a_reason(db):
    created = lead(db)
    assert status(db, REP_A, created["id"], "contacted")["status"] == "contacted"
    with pytest.raises(Invalid) as error:
        status(db, REP_A, created["id"], "disqualified")
    assert "reason" in error.value.details
    qualified = status(db, REP_A, created["id"], "qualified")
    assert qualified["status"] == "qualified"
    out = status(db, REP_A, created["id"], "disqualified", reason="No budget this year")
    assert (out["status"], out["disqualified_reason"]) == ("disqualified", "No budget this year")
    with pytest.raises(Conflict) as error:
        status(db, REP_A, created["id"], "qualified")
    assert error.value.details["allowed"] == ["new"]
    with pytest.raises(Forbidden):
        status(db, REP_A, created["id"], "new")
    assert status(db, MANAGER, created["id"], "new")["disqualified_reason"] is None
    updates = events(db, "lead_updated")
    assert [(p["previous_status"], p["status"]) for _, p in updates] == [
        ("new", "contacted"), ("contacted", "qualified"), ("qualified", "disqualified"),
        ("disqualified", "new")]
    with pytest.raises(Invalid):
        status(db, REP_A, created["id"], "converted")       # conversion is its own operation


def test_the_score_is_explained_factor_by_factor_and_follows_changes(db):
    created = lead(db, contact_title="VP Engineering", company_name="Analytical Engines",
                   company_size=250, source="referral", campaign="Spring webinar",
                   contact_phone="+44 20 7946 0000")
    factors = {f["factor"]: f["points"] for f in created["score_factors"]}
    assert factors == {"company_size": 18, "seniority": 15, "business_email": 10,
                       "company_known": 5, "phone": 5, "source": 20, "campaign": 5}
    assert created["score"] == sum(factors.values()) == 78
    assert {f["group"] for f in created["score_factors"]} == {"fit", "engagement"}
    qualified = status(db, REP_A, created["id"], "qualified")
    assert qualified["score"] == 100                        # 78 + 25, capped
    free = lead(db, contact_email="someone@gmail.com", source="outbound")
    assert [(f["factor"], f["points"]) for f in free["score_factors"]] == [("source", 5)]
    updated = call(db, leads.update_lead, REP_A, free["id"], {"company_size": 5000})
    assert updated["score"] == 30
    assert events(db, "lead_updated")[-1][1]["changed"] == ["company_size"]


def test_scoring_rules_on_their_own():
    bare = Lead(contact_name="x", status="new")
    assert scoring.score(bare) == (0, [])


def test_bad_input_is_422_and_nothing_is_stored(db):
    for bad in ({"contact_name": ""}, {"contact_name": "x", "source": "tv"},
                {"contact_name": "x", "company_size": -1}, {"contact_name": "x", "owner": "me"},
                {"contact_name": "x", "contact_phone": "call me"}, {"contact_email": "a@b.example"}):
        with pytest.raises(Invalid):
            call(db, leads.create_lead, REP_A, bad)
    assert call(db, leads.list_leads, ADMIN, {}, write=False)["items"] == []
    assert events(db) == []


def test_scope_rep_own_manager_team_admin_all_and_paging(db):
    mine = [lead(db, REP_A)["id"] for _ in range(3)]
    theirs = lead(db, REP_C)["id"]
    with pytest.raises(NotFound):
        call(db, leads.get_lead, REP_B, mine[0], write=False)
    with pytest.raises(NotFound):
        call(db, leads.update_lead, REP_C, mine[0], {"campaign": "x"})
    first = call(db, leads.list_leads, REP_A, {"limit": 2}, write=False)
    second = call(db, leads.list_leads, REP_A, {"limit": 2, "cursor": first["next_cursor"]},
                  write=False)
    assert [item["id"] for item in first["items"] + second["items"]] == mine[::-1]
    assert second["next_cursor"] is None
    team = {item["id"] for item in call(db, leads.list_leads, MANAGER, {}, write=False)["items"]}
    assert team == set(mine)
    everything = call(db, leads.list_leads, ADMIN, {}, write=False)["items"]
    assert {item["id"] for item in everything} == set(mine) | {theirs}
