"""Purchase requests: exact totals; a draft changed and submitted; the chain by amount from the
policy (≤ 5,000: a manager; above: a manager then an admin; per currency, "*" for the rest);
who may decide a step (the requester never, a manager of another team never, one person one
step; 403 changes nothing); every step an event; a rejected request stays rejected (409 on
every later move, require_orderable too); cancelling; scopes of reading."""
import pytest

from services.chassis.errors import Conflict, Forbidden, Invalid, NotFound
from services.procurement.requests import policy, statuses
from services.procurement.requests.handlers import create
from tests.unit.procurement.support import (ADMIN, ADMIN2, AGENT, BUYER, MANAGER, OTHER_MANAGER,
                                            REP, REP2, approve, events, get_request, line,
                                            list_requests, new_request, procurement_db, reject,
                                            set_policy, write)


@pytest.fixture
def db():
    return procurement_db()


def test_lines_totals_are_exact(db):
    request = new_request(db, submit=False, lines=[
        line(quantity="3", price="999.99"), line(item="Paper", quantity="2.5", price="0.33"),
        line(item="Toner", quantity="0.125", price="10.05")])
    assert [item["line_total"] for item in request["lines"]] == ["2999.97", "0.83", "1.26"]
    assert request["total"] == "3002.06" and request["status"] == "draft"
    assert request["steps"] == []
    with pytest.raises(Invalid) as refused:
        new_request(db, lines=[line(quantity="999999999", price="999999999999.99")])
    assert "lines" in refused.value.details
    for bad in ({"quantity": "0"}, {"quantity": "1.0001"}, {"quantity": 1.5},
                {"estimated_unit_price": "-1"}):
        with pytest.raises(Invalid):
            new_request(db, lines=[{**line(), **bad}])


def test_small_request_one_manager_step(db):
    request = new_request(db, lines=[line(quantity="5", price="1000.00")])     # exactly 5,000
    assert request["status"] == "pending_approval"
    assert [(s["role"], s["status"]) for s in request["steps"]] == [("manager", "pending")]
    approved = approve(db, MANAGER, request["id"], comment="OK")
    assert approved["status"] == "approved" and approved["decided_at"]
    assert approved["steps"][0]["decided_by"] == MANAGER.user_id
    assert [kind for kind, _ in events(db)] == [
        "purchase_request_created", "purchase_request_submitted",
        "purchase_request_step_approved", "purchase_request_approved"]


def test_large_request_manager_then_admin_and_who_may_not(db):
    request = new_request(db, lines=[line(quantity="5", price="1000.01")])     # 5,000.05
    rid = request["id"]
    assert [s["role"] for s in request["steps"]] == ["manager", "admin"]
    refused = [(REP, Forbidden), (BUYER, Forbidden), (OTHER_MANAGER, NotFound)]
    for principal, error in refused:
        with pytest.raises(error):
            approve(db, principal, rid)
    after_manager = approve(db, MANAGER, rid)
    assert (after_manager["status"], after_manager["current_step"]) == ("pending_approval", 2)
    assert [s["status"] for s in after_manager["steps"]] == ["approved", "pending"]
    with pytest.raises(Forbidden):
        approve(db, MANAGER, rid)                   # again: the admin's step now
    done = approve(db, ADMIN, rid)
    assert done["status"] == "approved"
    with pytest.raises(Conflict):
        approve(db, ADMIN, rid)
    decided = [(p["position"], p["role"], p["next_role"]) for _, p in
               events(db, "purchase_request_step_approved")]
    assert decided == [(1, "manager", "admin"), (2, "admin", None)]
    assert len(events(db, "purchase_request_approved")) == 1


def test_a_refused_decision_changes_nothing(db):
    rid = new_request(db)["id"]
    before = get_request(db, REP, rid)
    for principal in (REP, BUYER):
        with pytest.raises(Forbidden):
            approve(db, principal, rid)
        with pytest.raises(Forbidden):
            reject(db, principal, rid)
    assert get_request(db, REP, rid) == before
    assert [kind for kind, _ in events(db)] == ["purchase_request_created",
                                                "purchase_request_submitted"]


def test_one_person_decides_one_step_and_never_their_own_request(db):
    rid = new_request(db, lines=[line(price="9000")])["id"]
    approve(db, ADMIN, rid)                         # an admin may take the manager's step
    with pytest.raises(Forbidden) as refused:
        approve(db, ADMIN, rid)
    assert "earlier step" in refused.value.message
    assert approve(db, ADMIN2, rid)["status"] == "approved"
    own = new_request(db, principal=MANAGER)["id"]
    with pytest.raises(Forbidden):
        approve(db, MANAGER, own)


def test_rejected_is_final(db):
    rid = new_request(db, lines=[line(price="9000")])["id"]
    with pytest.raises(Invalid):
        reject(db, MANAGER, rid, comment=None)
    rejected = reject(db, MANAGER, rid)
    assert rejected["status"] == "rejected"
    assert [s["status"] for s in rejected["steps"]] == ["rejected", "skipped"]
    assert rejected["steps"][0]["comment"] == "Not in this year's budget."
    for move in (lambda: approve(db, ADMIN, rid), lambda: reject(db, ADMIN, rid),
                 lambda: write(db, REP, create.submit_request, rid),
                 lambda: write(db, REP, create.update_request, rid, {"title": "Again"}),
                 lambda: write(db, REP, create.cancel_request, rid)):
        with pytest.raises(Conflict):
            move()
    with db.read_only() as session:
        from services.procurement.requests.models import PurchaseRequest
        with pytest.raises(Conflict):
            statuses.require_orderable(session.get(PurchaseRequest, rid))
    [(_, payload)] = events(db, "purchase_request_rejected")
    assert (payload["role"], payload["decided_by"], payload["next_role"]) == (
        "manager", MANAGER.user_id, None)


def test_a_draft_is_changed_by_its_requester_then_submitted(db):
    rid = new_request(db, submit=False)["id"]
    with pytest.raises(Forbidden):
        write(db, MANAGER, create.update_request, rid, {"title": "Manager's"})
    assert write(db, ADMIN, create.update_request, rid, {"title": "Admin's"})["title"] == "Admin's"
    changed = write(db, REP, create.update_request, rid, {
        "lines": [line(quantity="10", price="600")], "currency": "USD"})
    assert (changed["total"], changed["currency"]) == ("6000.00", "USD")
    [(_, payload)] = [e for e in events(db, "purchase_request_updated")
                      if e[1]["changed_by"] == REP.user_id]
    assert payload["changed"] == ["currency", "lines"]
    submitted = write(db, REP, create.submit_request, rid)
    assert [s["role"] for s in submitted["steps"]] == ["manager", "admin"]
    with pytest.raises(Conflict):
        write(db, REP, create.submit_request, rid)


def test_the_policy_per_currency_is_fixed_at_submission(db):
    set_policy(db, [{"currency": "*", "tiers": [{"up_to": None, "steps": ["manager"]}]},
                    {"currency": "JPY", "tiers": [
                        {"up_to": "100000", "steps": ["buyer"]},
                        {"up_to": None, "steps": ["manager", "buyer", "admin"]}]}])
    assert [s["role"] for s in new_request(db, currency="JPY", lines=[
        line(price="200000")])["steps"]] == ["manager", "buyer", "admin"]
    early = new_request(db, currency="JPY", lines=[line(price="100000")])
    assert [s["role"] for s in early["steps"]] == ["buyer"]
    assert [s["role"] for s in new_request(db, lines=[line(price="999999")])["steps"]] == [
        "manager"]
    set_policy(db, [{"currency": "*", "tiers": [{"up_to": None, "steps": ["admin"]}]}])
    assert [s["role"] for s in get_request(db, REP, early["id"])["steps"]] == ["buyer"]
    assert approve(db, BUYER, early["id"])["status"] == "approved"
    [_, (_, changed)] = events(db, "approval_policy_changed")
    assert changed["policies"] == [{"currency": "*", "tiers": [{"up_to": None,
                                                                "steps": ["admin"]}]}]


@pytest.mark.parametrize("policies, where", [
    ([{"currency": "EUR", "tiers": [{"up_to": None, "steps": ["manager"]}]}], "policies"),
    ([{"currency": "*", "tiers": [{"up_to": "10", "steps": ["manager"]}]}], "0"),
    ([{"currency": "*", "tiers": [{"up_to": "10", "steps": ["manager"]},
                                  {"up_to": "5", "steps": ["admin"]},
                                  {"up_to": None, "steps": ["admin"]}]}], "0"),
    ([{"currency": "*", "tiers": [{"up_to": None, "steps": ["manager"]}]},
      {"currency": "*", "tiers": [{"up_to": None, "steps": ["admin"]}]}], "1"),
    ([{"currency": "*", "tiers": [{"up_to": None, "steps": ["sales_rep"]}]}], "policies"),
])
def test_a_bad_policy_is_a_422_and_changes_nothing(db, policies, where):
    with pytest.raises(Invalid) as refused:
        set_policy(db, policies)
    assert where in str(refused.value.details)
    with db.read_only() as session:
        assert policy.current(session) == policy.DEFAULT


def test_cancel_and_scopes(db):
    mine = new_request(db)["id"]
    theirs = new_request(db, principal=REP2, submit=False)["id"]
    agent_own = new_request(db, principal=AGENT)["id"]
    with pytest.raises(NotFound):
        get_request(db, REP, theirs)
    with pytest.raises(NotFound):
        get_request(db, OTHER_MANAGER, mine)
    assert {r["id"] for r in list_requests(db, MANAGER)["items"]} == {mine, theirs}
    assert {r["id"] for r in list_requests(db, BUYER)["items"]} == {mine, theirs, agent_own}
    assert [r["id"] for r in list_requests(db, AGENT)["items"]] == [agent_own]
    awaiting = list_requests(db, BUYER, awaiting="manager", status="pending_approval")["items"]
    assert {r["id"] for r in awaiting} == {mine, agent_own}
    with pytest.raises(Forbidden):
        write(db, MANAGER, create.cancel_request, mine)
    cancelled = write(db, REP, create.cancel_request, mine)
    assert cancelled["status"] == "cancelled"
    assert [s["status"] for s in cancelled["steps"]] == ["skipped"]
    with pytest.raises(Conflict):
        approve(db, MANAGER, mine)
