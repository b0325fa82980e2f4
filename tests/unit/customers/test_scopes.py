"""Record-level scopes, role by role: someone else's record is NotFound, in every operation."""
import pytest

from services.chassis.errors import Forbidden, Invalid, NotFound
from services.customers.handlers import (assignment, contacts, customers, export, interactions,
                                         search, tags)
from tests.unit.customers.support import (ADMIN, AGENT, MANAGER, MARKETER, OTHER_MANAGER, REP_A,
                                           REP_B, REP_C, call, create, user_event)


@pytest.fixture
def book(people):
    """One customer per rep: A and B in team-1 (MANAGER's), C in team-2."""
    return {rep.user_id: create(people, rep, name=f"Customer of {rep.user_id}")["id"]
            for rep in (REP_A, REP_B, REP_C)}


READ = {ADMIN: {"u-rep-a", "u-rep-b", "u-rep-c"}, MANAGER: {"u-rep-a", "u-rep-b"},
        OTHER_MANAGER: {"u-rep-c"}, REP_A: {"u-rep-a"}, REP_B: {"u-rep-b"}, REP_C: {"u-rep-c"},
        MARKETER: {"u-rep-a", "u-rep-b", "u-rep-c"}, AGENT: {"u-rep-a", "u-rep-b", "u-rep-c"}}
WRITE = {**READ, MARKETER: set(), AGENT: set()}


def readers(principal, book, people):
    visible = set()
    for owner, customer_id in book.items():
        try:
            call(people, customers.get_customer, principal, customer_id, write=False)
            visible.add(owner)
        except NotFound:
            pass
    return visible


@pytest.mark.parametrize("principal", list(READ), ids=lambda p: p.user_id)
def test_get_list_export_and_timeline_see_exactly_the_scope(people, book, principal):
    expected = READ[principal]
    assert readers(principal, book, people) == expected
    listed = call(people, search.list_customers, principal, {}, write=False)["items"]
    assert {item["owner_id"] for item in listed} == expected
    exported = call(people, export.export_customers, principal, {}, write=False)
    assert exported["rows"] == len(expected)
    assert all(book[owner] in exported["csv"] for owner in expected)
    for owner, customer_id in book.items():
        if owner in expected:
            call(people, interactions.get_timeline, principal, customer_id, write=False)
            call(people, contacts.list_contacts, principal, customer_id, write=False)
        else:
            assert book[owner] not in exported["csv"]
            with pytest.raises(NotFound):
                call(people, interactions.get_timeline, principal, customer_id, write=False)
            with pytest.raises(NotFound):
                call(people, contacts.list_contacts, principal, customer_id, write=False)


@pytest.mark.parametrize("principal", list(WRITE), ids=lambda p: p.user_id)
def test_writes_reach_exactly_the_write_scope(people, book, principal):
    for owner, customer_id in book.items():
        attempts = [
            lambda: call(people, customers.update_customer, principal, customer_id, {"industry": "X"}),
            lambda: call(people, tags.tag_customers, principal, [customer_id], ["vip"]),
            lambda: call(people, tags.untag_customers, principal, [customer_id], ["vip"]),
            lambda: call(people, interactions.log_interaction, principal, customer_id,
                         {"kind": "call", "summary": "hello"}),
            lambda: call(people, contacts.add_contact, principal, customer_id, {"name": "Li Wei"}),
        ]
        for attempt in attempts:
            if owner in WRITE[principal]:
                attempt()
            else:
                with pytest.raises(NotFound):
                    attempt()


def test_a_bulk_tag_with_one_foreign_id_changes_nothing(people, book):
    with pytest.raises(NotFound) as error:
        call(people, tags.tag_customers, REP_A, [book["u-rep-a"], book["u-rep-c"]], ["vip"])
    assert error.value.details == {"customer_ids": [book["u-rep-c"]]}
    assert call(people, customers.get_customer, REP_A, book["u-rep-a"], write=False)["tags"] == []


def test_an_owner_filter_cannot_widen_the_scope(people, book):
    listed = call(people, search.list_customers, REP_A, {"owner_id": "u-rep-c"}, write=False)
    assert listed["items"] == []


def test_a_manager_sees_customers_of_deactivated_team_members(people, book):
    user_event(people, REP_B, active=False, event_type="user_deactivated")
    assert readers(MANAGER, book, people) == {"u-rep-a", "u-rep-b"}


# --- manual assignment ----------------------------------------------------------------------

def assign(db, principal, customer_id, owner_id):
    return call(db, assignment.assign_customer, principal, customer_id, owner_id)


def test_a_manager_reassigns_within_the_team(people, book):
    moved = assign(people, MANAGER, book["u-rep-a"], "u-rep-b")
    assert moved["owner_id"] == "u-rep-b"
    assert assign(people, MANAGER, book["u-rep-a"], MANAGER.user_id)["owner_id"] == MANAGER.user_id
    with pytest.raises(Forbidden):
        assign(people, MANAGER, book["u-rep-b"], "u-rep-c")           # outside the team
    with pytest.raises(NotFound):
        assign(people, MANAGER, book["u-rep-c"], "u-rep-a")           # not the team's customer


def test_an_admin_assigns_anyone_active_and_owner_roles_only(people, book):
    assert assign(people, ADMIN, book["u-rep-c"], "u-rep-a")["owner_id"] == "u-rep-a"
    with pytest.raises(Invalid):
        assign(people, ADMIN, book["u-rep-a"], "u-marketer")
    with pytest.raises(Invalid):
        assign(people, ADMIN, book["u-rep-a"], "u-nobody")
    user_event(people, REP_B, active=False, event_type="user_deactivated")
    with pytest.raises(Invalid):
        assign(people, ADMIN, book["u-rep-a"], "u-rep-b")


def test_reps_and_read_all_roles_cannot_assign(people, book):
    for principal in (REP_A, MARKETER):
        with pytest.raises((Forbidden, NotFound)):
            assign(people, principal, book["u-rep-a"], "u-rep-a")


def test_manager_may_create_for_a_team_member_only(people):
    assert create(people, MANAGER, name="T", owner_id="u-rep-b")["owner_id"] == "u-rep-b"
    with pytest.raises(Forbidden):
        create(people, MANAGER, name="U", owner_id="u-rep-c")
    assert create(people, ADMIN, name="V", owner_id="u-rep-c")["owner_id"] == "u-rep-c"
