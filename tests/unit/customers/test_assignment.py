"""Round-robin assignment over the local copy of identity's users."""
from collections import Counter

from services.chassis.auth import Principal
from services.customers import users_copy
from services.customers.models import UserCopy
from tests.unit.customers.support import (ADMIN, MANAGER, MARKETER, REP_A, REP_B, REP_C, create,
                                           events, user_event)

REP_D = Principal("u-rep-d", "sales_rep", team_id="team-1", region="EU")


def owners(db, principal, count, **data):
    return [create(db, principal, name=f"{principal.user_id} {index}", **data)["owner_id"]
            for index in range(count)]


def test_unowned_customers_take_turns_among_the_regions_reps_in_id_order(people):
    assert owners(people, ADMIN, 6, region="EU") == ["u-rep-a", "u-rep-b"] * 3
    assert owners(people, MANAGER, 2, region="US") == ["u-rep-c"] * 2


def test_turns_are_fair_over_many_creations(people):
    user_event(people, REP_D)
    counts = Counter(owners(people, MARKETER, 30, region="EU"))
    assert counts == {"u-rep-a": 10, "u-rep-b": 10, "u-rep-d": 10}


def test_a_region_without_reps_falls_back_to_all_active_reps(people):
    assert owners(people, ADMIN, 3, region="APAC") == ["u-rep-a", "u-rep-b", "u-rep-c"]
    assert owners(people, ADMIN, 1) == ["u-rep-a"]          # no region: the same "*" pool


def test_inactive_reps_are_skipped_and_joiners_take_their_turn(people):
    assert owners(people, ADMIN, 1, region="EU") == ["u-rep-a"]
    user_event(people, REP_B, active=False, event_type="user_deactivated")
    assert owners(people, ADMIN, 2, region="EU") == ["u-rep-a", "u-rep-a"]
    user_event(people, REP_D)
    assert owners(people, ADMIN, 3, region="EU") == ["u-rep-d", "u-rep-a", "u-rep-d"]


def test_without_any_rep_the_customer_stays_unowned(db):
    created = create(db, ADMIN, name="Nobody's")
    assert created["owner_id"] is None
    assert events(db, "customer_assigned") == []


def test_a_rep_owns_what_they_create(people):
    assert owners(people, REP_C, 2, region="EU") == ["u-rep-c", "u-rep-c"]
    (_, payload), _ = events(people, "customer_assigned")
    assert payload["reason"] == "creator" and payload["assigned_by"] == "u-rep-c"


def test_every_assignment_is_an_event(people):
    created = create(people, ADMIN, name="Evented", region="EU")
    (_, payload), = events(people, "customer_assigned")
    assert payload == {"id": created["id"], "owner_id": "u-rep-a", "previous_owner_id": None,
                       "region": "EU", "reason": "round_robin", "assigned_by": "system"}


# --- the users copy -------------------------------------------------------------------------

def test_an_older_user_event_does_not_overwrite_a_newer_one(db):
    user_event(db, REP_A, sequence=10, event_type="user_updated", region="US")
    user_event(db, REP_A, sequence=5, event_type="user_created", region="EU")
    with db.read_only() as session:
        assert session.get(UserCopy, "u-rep-a").region == "US"
        assert users_copy.active_reps(session, "US") == ["u-rep-a"]


def test_unknown_payload_fields_are_tolerated_and_deactivation_sticks(db):
    user_event(db, REP_A, favourite_colour="teal")
    user_event(db, REP_A, event_type="user_deactivated", active=True)
    with db.read_only() as session:
        assert session.get(UserCopy, "u-rep-a").active is False
        assert users_copy.active_reps(session) == []


def test_team_members_come_from_the_copy_even_without_a_team_claim(people):
    with people.read_only() as session:
        assert sorted(users_copy.team_member_ids(session, Principal("u-manager", "manager"))) == [
            "u-manager", "u-rep-a", "u-rep-b"]
        assert users_copy.team_member_ids(session, Principal("u-ghost", "manager")) == []
    assert REP_B.team_id == "team-1"
