"""Who sees which tickets: agents their team's queue (and what is assigned to them), support
managers and admins all, sales reps read-only the tickets of their own customers, sales
managers those of their team's customers, marketers none. Out of scope is NotFound (lists and
single reads alike); the roles are checked again at the entrypoints (roles.py)."""
import pytest

from services.chassis.errors import NotFound
from tests.unit.service_desk import ops
from tests.unit.service_desk.support import (ADMIN, AGENT_A, AGENT_A2, AGENT_B, MARKETER,
                                             OTHER_REP, REP, SALES_MANAGER, SUPPORT_MANAGER,
                                             seeded_db)


@pytest.fixture
def tickets():
    db = seeded_db()
    made = {
        "a": ops.create_ticket(db, AGENT_A),                                   # c-1, team A
        "b": ops.create_ticket(db, AGENT_B, customer_id="c-2"),                # c-2, team B
        "none": ops.create_ticket(db, SUPPORT_MANAGER, customer_id="c-2"),     # no team
        "b_for_a2": ops.create_ticket(db, SUPPORT_MANAGER, customer_id="c-2",
                                      assignee_id=AGENT_A2.user_id, team_id=None),
    }
    return db, {name: t["id"] for name, t in made.items()}


def visible(db, principal, ids):
    listed = {t["id"] for t in ops.listing(db, principal)["items"]}
    names = {name for name, ticket_id in ids.items() if ticket_id in listed}
    for name, ticket_id in ids.items():                 # single reads agree with the list
        if name in names:
            assert ops.get(db, principal, ticket_id)["id"] == ticket_id
        else:
            with pytest.raises(NotFound):
                ops.get(db, principal, ticket_id)
    return names


@pytest.mark.parametrize("principal, expected", [
    (ADMIN, {"a", "b", "none", "b_for_a2"}),
    (SUPPORT_MANAGER, {"a", "b", "none", "b_for_a2"}),
    (AGENT_A, {"a", "b_for_a2"}),         # b_for_a2 took A2's team (t-support-a)
    (AGENT_B, {"b"}),
    (REP, {"a"}),                         # c-1 is REP's customer
    (OTHER_REP, {"b", "none", "b_for_a2"}),
    (SALES_MANAGER, {"a"}),               # REP is in the sales manager's team
    (MARKETER, set()),
])
def test_each_role_sees_its_tickets(tickets, principal, expected):
    db, ids = tickets
    assert visible(db, principal, ids) == expected


def test_sales_reps_read_only(tickets):
    db, ids = tickets
    assert ops.get(db, REP, ids["a"])["read_only"] is True
    assert ops.get(db, AGENT_A, ids["a"])["read_only"] is False


def test_an_agent_cannot_touch_another_teams_ticket(tickets):
    db, ids = tickets
    for attempt in (lambda: ops.reply(db, AGENT_A, ids["b"]),
                    lambda: ops.note(db, AGENT_A, ids["b"]),
                    lambda: ops.move(db, AGENT_A, ids["b"], "open"),
                    lambda: ops.update(db, AGENT_A, ids["b"], priority="low"),
                    lambda: ops.history(db, AGENT_A, ids["b"]),
                    lambda: ops.entries(db, AGENT_A, ids["b"])):
        with pytest.raises(NotFound):
            attempt()
    assert ops.get(db, AGENT_B, ids["b"])["priority"] == "medium"


def test_an_agent_sees_what_is_assigned_to_them_in_another_team(tickets):
    db, ids = tickets
    ops.update(db, SUPPORT_MANAGER, ids["b"], assignee_id=AGENT_A.user_id, team_id=None)
    assert "b" in visible(db, AGENT_A, ids)


def test_a_customer_changing_owner_changes_which_rep_sees_its_tickets(tickets):
    db, ids = tickets
    customers = db.logs["customers"]
    from tests.unit.service_desk.support import apply
    apply(db, customers.emit("customer_assigned", {
        "id": "c-1", "owner_id": OTHER_REP.user_id, "previous_owner_id": REP.user_id,
        "region": "north", "reason": "manual", "assigned_by": "u-admin"}))
    assert visible(db, REP, ids) == set()
    assert "a" in visible(db, OTHER_REP, ids)
