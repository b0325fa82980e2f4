"""The users copy and round-robin assignment the chassis gives every service that keeps one."""
from unittest.mock import Mock

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import StaticPool

from services.kernel.assignment import AssignmentCursorColumns, Owners
from services.chassis.auth import Principal
from services.chassis.db import Database
from services.chassis.errors import Forbidden, Invalid
from services.chassis.inbox import Subscriptions
from services.chassis.service import ChassisService
from services.kernel.users_copy import KeepsUsersCopy
from services.chassis.throttle import Gate, Throttle
from services.kernel.users_copy import UserCopyColumns, UsersCopy
from services.customers.service import CustomersService
from services.sales.service import SalesService
from tests.unit.chassis.fakes import make_db


class Base(DeclarativeBase):
    pass


class UserCopy(UserCopyColumns, Base):
    __tablename__ = "user_copy"


class Cursor(AssignmentCursorColumns, Base):
    __tablename__ = "assignment_cursor"


class OtherBase(DeclarativeBase):           # another service: its own metadata, its own table
    pass


class OtherUserCopy(UserCopyColumns, OtherBase):
    __tablename__ = "user_copy"


USERS = UsersCopy(UserCopy)
OWNERS = Owners(USERS, Cursor)
_ids = iter(range(1, 10_000))


@pytest.fixture
def db(memory_engine):
    return make_db(memory_engine, Base.metadata)


def put(db, user_id, sequence=None, event_type="user_created", **payload):
    payload = {"id": user_id, "role": "sales_rep", "region": "EU", "team_id": "t1", **payload}
    envelope = {"event_id": f"ev-{next(_ids)}", "event_type": event_type, "source": "identity",
                "sequence": sequence or next(_ids), "payload": payload}
    with db.unit_of_work() as uow:
        USERS.apply_user_event(uow, envelope)


def test_each_service_maps_the_columns_onto_its_own_table_with_the_migrated_indexes():
    for model in (UserCopy, OtherUserCopy):
        indexes = {index.name for index in model.__table__.indexes}
        assert indexes == {"ix_user_copy_pool", "ix_user_copy_team_id"}
    assert UserCopy.__table__ is not OtherUserCopy.__table__
    assert UserCopy.__table__.metadata is not OtherUserCopy.__table__.metadata


def test_an_older_event_never_overwrites_a_newer_one_and_deactivation_sticks(db):
    put(db, "u1", sequence=10, region="US")
    put(db, "u1", sequence=5, region="EU")                         # late catch-up: ignored
    put(db, "u1", sequence=11, event_type="user_deactivated", region="US", active=True)
    with db.read_only() as session:
        user = session.get(UserCopy, "u1")
        assert (user.region, user.active, user.sequence) == ("US", False, 11)


def test_an_unreadable_payload_raises_instead_of_skipping_the_user(db):
    with pytest.raises(ValueError, match="unreadable user_updated"):
        put(db, "u1", event_type="user_updated", active="not a boolean")


def test_reps_teams_and_staleness(db):
    put(db, "u-b")
    put(db, "u-a")
    put(db, "u-m", role="manager")
    put(db, "u-gone", region="US")
    put(db, "u-gone", event_type="user_deactivated")
    with db.read_only() as session:
        assert USERS.active_reps(session, "EU") == ["u-a", "u-b"]
        assert USERS.active_reps(session, "US") == []
        assert sorted(USERS.team_member_ids(session, Principal("u-m", "manager"))) == [
            "u-a", "u-b", "u-gone", "u-m"]
        assert USERS.may_be_stale(session, "u-new", None)
        assert not USERS.may_be_stale(session, "u-a", None)
        assert USERS.may_be_stale(session, None, "US")                # no active rep there
        assert not USERS.may_be_stale(session, None, "EU")
        assert not USERS.may_be_stale(session, ["not", "a", "string"], None)


def test_round_robin_takes_turns_in_id_order_and_falls_back_to_all_reps(db):
    for user_id in ("u-a", "u-b"):
        put(db, user_id)
    put(db, "u-c", region="US")
    chosen = []
    for region in ("EU", "EU", "EU", "Atlantis", "Atlantis", "Atlantis", "Atlantis"):
        with db.unit_of_work() as uow:
            chosen.append(OWNERS.next_owner(uow.session, region))
    assert chosen == ["u-a", "u-b", "u-a", "u-a", "u-b", "u-c", "u-a"]
    with db.read_only() as session:
        assert {row.pool: row.turns for row in session.query(Cursor)} == {"EU": 3, "*": 4}


def test_one_records_turn_chooses_what_the_batch_of_one_chooses(db):
    """next_owner is one UPDATE choosing in SQL; next_owners chooses in Python. Through joiners,
    leavers, region changes, rep-less regions, no region and nobody at all, both give the
    same owners and leave the same cursors."""
    other = make_db(create_engine("sqlite://", poolclass=StaticPool), Base.metadata)
    script = [("EU",), ("EU",), ("US",), ("put", "u-b"), ("EU",), ("put", "u-a"), ("EU",), ("EU",),
              ("EU",), ("Atlantis",), (None,), ("put", "u-c", {"region": "US"}), ("US",),
              ("Atlantis",), ("Atlantis",), ("put", "u-d"), ("EU",), ("EU",),
              ("put", "u-a", {"event_type": "user_deactivated"}), ("EU",), ("EU",), ("",),
              ("put", "u-b", {"region": "US", "event_type": "user_updated"}), ("US",), ("US",),
              ("EU",), ("put", "u-m", {"role": "manager"}), ("EU",), ("Atlantis",)]
    chosen = {db: [], other: []}
    for step in script:
        for each in (db, other):
            if step[0] == "put":
                put(each, step[1], **(step[2] if len(step) > 2 else {}))
                continue
            with each.unit_of_work() as uow:
                chosen[each].append(OWNERS.next_owner(uow.session, step[0]) if each is db
                                    else OWNERS.next_owners(uow.session, [step[0]])[0])
    assert chosen[db] == chosen[other]
    assert chosen[db][:2] == [None, None] and None not in chosen[db][3:]
    cursors = []
    for each in (db, other):
        with each.read_only() as session:
            cursors.append(sorted((row.pool, row.last_owner_id, row.turns)
                                  for row in session.query(Cursor)))
    assert cursors[0] == cursors[1]
    assert {pool for pool, _, _ in cursors[0]} == {"EU", "US", "*"}


def test_nobody_to_assign_to_leaves_the_record_unowned(db):
    with db.unit_of_work() as uow:
        assert OWNERS.next_owner(uow.session, "EU") is None
    with db.read_only() as session:
        assert session.query(Cursor).count() == 0                 # no turn taken either


def test_only_a_manager_within_the_team_or_an_admin_chooses_an_active_owner(db):
    put(db, "u-a")
    put(db, "u-x", team_id="t2")
    put(db, "u-m", role="manager")
    manager = Principal("u-m", "manager")
    with db.read_only() as session:
        OWNERS.check_owner_choice(session, manager, "u-a")
        OWNERS.check_owner_choice(session, Principal("u-admin", "admin"), "u-x")
        with pytest.raises(Forbidden):
            OWNERS.check_owner_choice(session, Principal("u-a", "sales_rep"), "u-a")
        with pytest.raises(Forbidden):
            OWNERS.check_owner_choice(session, manager, "u-x")           # another team
        with pytest.raises(Invalid):
            OWNERS.check_owner_choice(session, manager, "u-unknown")


class Toy(KeepsUsersCopy, ChassisService):
    name = "toy"
    db = Database(Base.metadata)
    users = USERS
    subscriptions = Subscriptions({"identity": USERS.handlers()})


@pytest.fixture
def toy(db):
    now, identity = [0.0], Mock()
    identity.call.return_value = []
    worker = worker_factory(Toy, db=db, services=identity,
                            users_refresh=Gate(5.0, clock=lambda: now[0]))
    return worker, identity, now


def test_the_refresh_asks_identity_at_most_once_per_interval_per_key(toy, db):
    worker, identity, now = toy
    put(db, "u-a")
    for _ in range(3):
        worker._refresh_users_if_stale(None, "US")
    worker._refresh_users_if_stale(None, "EU")                      # has a rep: not stale
    worker._refresh_users_if_stale(["not", "a", "string"], None)    # bad input: no call, no error
    assert identity.call.call_count == 1
    now[0] = 5.0
    identity.call.side_effect = RuntimeError("identity is away")    # logged; the copy is used
    worker._refresh_users_if_stale(None, "US")
    assert identity.call.call_count == 2


def test_the_refresh_applies_what_identity_answers(toy, db):
    worker, identity, _ = toy
    envelope = {"event_id": "ev-late", "event_type": "user_created", "source": "identity",
                "sequence": 7, "payload": {"id": "u-new", "role": "sales_rep", "region": "US"}}
    identity.call.side_effect = lambda *args, **kwargs: [envelope] if args[2] == 0 else []
    worker._refresh_users_if_stale(None, "US")
    with db.read_only() as session:
        assert USERS.active_reps(session, "US") == ["u-new"]


@pytest.mark.parametrize("service", [CustomersService, SalesService])
def test_every_service_keeping_a_copy_throttles_its_refresh(service):
    assert isinstance(service.users_refresh, Throttle)
    assert service.users_refresh.interval_setting == "USERS_REFRESH_MIN_INTERVAL_SECONDS"
