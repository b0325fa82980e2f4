"""Routing a new ticket: its team from the rules (category / channel, first match), its agent
from the team's mode — round robin in id order, least loaded (unresolved tickets; ties in
turn), skipping agents who are away or deactivated; manual or nobody available: the queue.
Rules, modes and availability: validated, published, refused to whom may not."""
import pytest

from services.chassis.errors import Forbidden, Invalid, NotFound
from services.service_desk.routing import handlers
from tests.unit.service_desk import ops
from tests.unit.service_desk.support import (ADMIN, AGENT_A, AGENT_A2, AGENT_B, REP,
                                             SUPPORT_MANAGER, apply, events, seeded_db, user)

TEAM_A = AGENT_A.team_id


@pytest.fixture
def db():
    return seeded_db()


def set_mode(db, team_id, mode, principal=SUPPORT_MANAGER):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return handlers.set_team_routing(uow, principal, team_id, {"mode": mode})


def set_rules(db, rules, principal=SUPPORT_MANAGER):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return handlers.replace_rules(uow, principal, {"rules": rules})


def set_away(db, principal, user_id, away):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return handlers.set_availability(uow, principal, user_id, {"away": away})


def assignees(db, count, **fields):
    return [ops.create_ticket(db, SUPPORT_MANAGER, team_id=TEAM_A, **fields)["assignee_id"]
            for _ in range(count)]


def test_a_team_never_set_routes_manually(db):
    assert ops.create_ticket(db, SUPPORT_MANAGER, team_id=TEAM_A)["assignee_id"] is None
    with db.read_only() as session:
        assert handlers.get_team_routing(session, TEAM_A)["mode"] == "manual"


def test_round_robin_takes_turns_and_skips_who_is_away(db):
    set_mode(db, TEAM_A, "round_robin")
    a, a2 = AGENT_A.user_id, AGENT_A2.user_id
    assert assignees(db, 4) == [a, a2, a, a2]
    set_away(db, AGENT_A2, a2, True)
    assert assignees(db, 2) == [a, a]
    set_away(db, AGENT_A, a, True)
    assert assignees(db, 1) == [None]                   # nobody available: the queue
    set_away(db, SUPPORT_MANAGER, a2, False)
    assert assignees(db, 1) == [a2]
    reasons = [e["reason"] for _, e in events(db, "ticket_assigned")]
    assert reasons == ["round_robin"] * 6 + ["created", "round_robin"]
    with db.read_only() as session:
        assert handlers.get_team_routing(session, TEAM_A)["turns"] == 8


def test_a_deactivated_agent_gets_nothing(db):
    set_mode(db, TEAM_A, "round_robin")
    identity = db.logs["identity"]
    apply(db, identity.emit("user_deactivated", user(AGENT_A, active=False)))
    assert assignees(db, 3) == [AGENT_A2.user_id] * 3


def test_least_loaded_fills_the_emptiest_then_takes_turns(db):
    for _ in range(2):
        ops.create_ticket(db, SUPPORT_MANAGER, team_id=TEAM_A, assignee_id=AGENT_A.user_id)
    resolved = ops.create_ticket(db, SUPPORT_MANAGER, team_id=TEAM_A,
                                 assignee_id=AGENT_A2.user_id)
    ops.move(db, SUPPORT_MANAGER, resolved["id"], "resolved")      # resolved: no load
    set_mode(db, TEAM_A, "least_loaded")
    a, a2 = AGENT_A.user_id, AGENT_A2.user_id
    assert assignees(db, 4) == [a2, a2, a, a2]   # 2:0, 2:1 → a2; tie 2:2 → a (after a2); 3:2 → a2
    with db.read_only() as session:
        loads = {agent["id"]: agent["unresolved"]
                 for agent in handlers.list_agents(session, SUPPORT_MANAGER,
                                                   {"team_id": TEAM_A})["items"]}
    assert loads == {a: 3, a2: 3}


def test_an_explicit_assignee_or_team_is_kept(db):
    set_mode(db, TEAM_A, "round_robin")
    given = ops.create_ticket(db, SUPPORT_MANAGER, team_id=TEAM_A, assignee_id=AGENT_A2.user_id)
    assert given["assignee_id"] == AGENT_A2.user_id
    assert events(db, "ticket_assigned")[-1][1]["reason"] == "created"


def test_rules_give_the_team_of_the_first_match(db):
    set_rules(db, [{"category": "billing", "channel": "email", "team_id": "t-support-b"},
                   {"category": "billing", "team_id": TEAM_A},
                   {"channel": "phone", "team_id": "t-phone"}])
    set_mode(db, "t-support-b", "round_robin")
    by_mail = ops.create_ticket(db, SUPPORT_MANAGER, category="billing", channel="email")
    assert (by_mail["team_id"], by_mail["assignee_id"]) == ("t-support-b", AGENT_B.user_id)
    assert ops.create_ticket(db, SUPPORT_MANAGER, category="billing")["team_id"] == TEAM_A
    assert ops.create_ticket(db, SUPPORT_MANAGER, channel="phone")["team_id"] == "t-phone"
    assert ops.create_ticket(db, SUPPORT_MANAGER)["team_id"] is None
    assert ops.create_ticket(db, AGENT_B, category="other")["team_id"] == "t-support-b"
    replaced = events(db, "routing_rules_replaced")[0][1]
    assert [rule["team_id"] for rule in replaced["rules"]] == ["t-support-b", TEAM_A, "t-phone"]


@pytest.mark.parametrize("rules, field", [
    ([{"team_id": "t-1"}], "rules"),                                 # matches nothing
    ([{"channel": "fax", "team_id": "t-1"}], "rules"),
    ([{"category": "x"}], "rules"),                                  # no team
    ([{"category": "x", "team_id": "t-1"}] * 101, "rules"),
])
def test_bad_rules_are_refused_and_change_nothing(db, rules, field):
    set_rules(db, [{"category": "kept", "team_id": "t-1"}])
    with pytest.raises(Invalid) as refused:
        set_rules(db, rules)
    assert field in refused.value.details
    with db.read_only() as session:
        assert handlers.get_rules(session)["rules"] == [
            {"category": "kept", "channel": None, "team_id": "t-1"}]


def test_modes_and_availability_are_published_once_per_change(db):
    set_mode(db, TEAM_A, "round_robin")
    set_mode(db, TEAM_A, "round_robin")
    set_mode(db, TEAM_A, "least_loaded")
    assert [(e["previous_mode"], e["mode"]) for _, e in events(db, "team_routing_changed")] == [
        ("manual", "round_robin"), ("round_robin", "least_loaded")]
    with pytest.raises(Invalid):
        set_mode(db, TEAM_A, "random")
    answer = set_away(db, AGENT_A, AGENT_A.user_id, True)
    assert (answer["away"], answer["team_id"]) == (True, TEAM_A)
    set_away(db, AGENT_A, AGENT_A.user_id, True)
    assert len(events(db, "agent_availability_changed")) == 1
    with pytest.raises(Forbidden):
        set_away(db, AGENT_A, AGENT_A2.user_id, True)        # another agent's
    with pytest.raises(NotFound):
        set_away(db, ADMIN, REP.user_id, True)               # not an agent
    with pytest.raises(NotFound):
        set_away(db, ADMIN, "u-nobody", True)
