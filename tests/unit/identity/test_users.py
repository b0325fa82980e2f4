"""User use cases: creation, changes, deactivation and the events they commit."""
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from services.chassis.errors import Conflict, Invalid, NotFound
from services.identity.handlers import users
from services.identity.models import User
from tests.unit.identity.helpers import ADMIN, PASSWORD, events


def stored(db, user_id):
    """The row as stored, columns and all (the hash included)."""
    with db.read_only() as session:
        row = session.get(User, user_id)
        return SimpleNamespace(**{c.key: getattr(row, c.key) for c in User.__table__.columns})


def update(db, user_id, data, principal=ADMIN):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return users.update_user(uow, principal, user_id, data)


def deactivate(db, user_id, principal=ADMIN):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return users.deactivate_user(uow, principal, user_id)


def test_create_returns_the_user_and_emits_user_created_without_secrets(db, make_user, make_team):
    team = make_team("EMEA")
    boss = make_user("boss@example.com", role="manager", team_id=team["id"])
    user = make_user(" Ana@Example.com ", name="Ana", region="emea", team_id=team["id"],
                     manager_id=boss["id"])
    assert user["email"] == "ana@example.com" and user["active"] is True
    assert user["team_id"] == team["id"] and user["manager_id"] == boss["id"]
    assert user["created_at"].endswith("+00:00")
    assert "password" not in user and "password_hash" not in user
    event_type, payload = events(db)[-1]
    assert event_type == "user_created" and payload == user
    assert db.relay.published[-1] == len(events(db))     # handed to the relay after commit


def test_passwords_are_argon2id_hashes_never_the_plain_text(db, make_user):
    user = make_user("ana@example.com")
    row = stored(db, user["id"])
    assert row.password_hash.startswith("$argon2id$") and PASSWORD not in row.password_hash
    other = stored(db, make_user("bob@example.com")["id"])
    assert other.password_hash != row.password_hash      # salted
    with db.read_only() as session:
        for column in User.__table__.columns:
            values = session.scalars(select(column)).all()
            assert PASSWORD not in [str(value) for value in values], column.name


def test_email_is_unique_regardless_of_case(db, make_user):
    make_user("ana@example.com")
    with pytest.raises(Conflict) as caught:
        make_user("ANA@example.com ")
    assert caught.value.details == {"field": "email"}
    assert [event for event, _ in events(db)] == ["user_created"]


def test_unknown_team_or_manager_is_invalid(db, make_user):
    with pytest.raises(Invalid) as caught:
        make_user("ana@example.com", team_id="no-such-team", manager_id="no-such-user")
    assert set(caught.value.details) == {"team_id", "manager_id"}
    assert events(db) == []


def test_invalid_input_changes_nothing(db, make_user):
    with pytest.raises(Invalid):
        make_user("ana@example.com", role="superuser")
    with db.read_only() as session:
        assert session.scalars(select(User)).all() == []
    assert events(db) == []


def test_update_changes_only_what_is_given_and_emits_user_updated(db, make_user):
    user = make_user("ana@example.com", region="emea")
    changed = update(db, user["id"], {"name": "Ana López", "email": "ANA.L@example.com"})
    assert changed["name"] == "Ana López" and changed["email"] == "ana.l@example.com"
    assert changed["region"] == "emea" and changed["updated_at"] >= user["updated_at"]
    assert events(db)[-1] == ("user_updated", changed)


def test_a_password_change_rehashes(db, make_user):
    user = make_user("ana@example.com")
    before = stored(db, user["id"]).password_hash
    update(db, user["id"], {"password": "a brand new secret"})
    after = stored(db, user["id"]).password_hash
    assert after != before and "a brand new secret" not in after


def test_an_update_that_changes_nothing_emits_nothing(db, make_user):
    user = make_user("ana@example.com", region="emea")
    assert update(db, user["id"], {"region": "emea"}) == user
    assert update(db, user["id"], {}) == user
    assert [event for event, _ in events(db)] == ["user_created"]


def test_update_to_a_taken_email_is_a_conflict(db, make_user):
    make_user("ana@example.com")
    bob = make_user("bob@example.com")
    with pytest.raises(Conflict):
        update(db, bob["id"], {"email": "Ana@example.com"})
    assert stored(db, bob["id"]).email == "bob@example.com"


def test_a_user_cannot_manage_themselves(db, make_user):
    user = make_user("ana@example.com")
    with pytest.raises(Invalid) as caught:
        update(db, user["id"], {"manager_id": user["id"]})
    assert "manager_id" in caught.value.details


def test_update_of_an_unknown_user_is_not_found(db):
    with pytest.raises(NotFound):
        update(db, "nobody", {"name": "x"})


def test_deactivate_emits_user_deactivated_once(db, make_user):
    user = make_user("ana@example.com")
    gone = deactivate(db, user["id"])
    assert gone["active"] is False
    assert deactivate(db, user["id"]) == gone                 # idempotent
    assert [event for event, _ in events(db)] == ["user_created", "user_deactivated",
                                                  "user_tokens_revoked"]
    assert events(db)[-2][1] == gone


def test_deactivating_through_update_is_a_user_deactivated_event(db, make_user):
    user = make_user("ana@example.com")
    changed = update(db, user["id"], {"active": False, "region": "apac"})
    assert events(db)[-2] == ("user_deactivated", changed)
    back = update(db, user["id"], {"active": True})
    assert back["active"] is True and events(db)[-2] == ("user_updated", back)


def test_the_last_active_admin_stays(db, make_user):
    only = make_user("root@example.com", role="admin")
    with pytest.raises(Conflict):
        deactivate(db, only["id"])
    with pytest.raises(Conflict):
        update(db, only["id"], {"role": "manager"})
    second = make_user("second@example.com", role="admin")
    assert deactivate(db, only["id"])["active"] is False
    with pytest.raises(Conflict):
        update(db, second["id"], {"active": False})
