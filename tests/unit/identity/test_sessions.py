"""Ending sessions: logout, deactivation, a new password or role raise the user's token version
(and publish user_tokens_revoked); a new login is issued under the new version."""
import pytest

from services.chassis.errors import NotFound
from services.identity import tokens
from services.identity.handlers import login, sessions, users
from tests.unit.identity.helpers import ADMIN, PASSWORD, events, principal_of


def version_in_a_new_token(db, email):
    claims = tokens.decode_token(login.issue_token(db, email, PASSWORD)["access_token"])
    return tokens.version_of(claims)


def revocations(db):
    return [payload for event, payload in events(db) if event == "user_tokens_revoked"]


def test_logout_raises_the_version_and_a_new_login_carries_it(db, make_user):
    ana = make_user("ana@example.com")
    assert version_in_a_new_token(db, "ana@example.com") == 0
    with db.unit_of_work() as uow:
        state = sessions.logout(uow, principal_of(ana))
    assert state == {"user_id": ana["id"], "token_version": 1, "active": True}
    [event] = revocations(db)
    assert (event["user_id"], event["token_version"], event["active"], event["reason"]) == \
        (ana["id"], 1, True, "logout")
    assert version_in_a_new_token(db, "ana@example.com") == 1
    with db.read_only() as session:
        assert sessions.get_token_state(session, ana["id"])["token_version"] == 1


@pytest.mark.parametrize("change, reason", [
    ({"password": "a brand new secret"}, "password_changed"),
    ({"role": "manager"}, "access_changed"),
    ({"region": "apac"}, "access_changed"),
    ({"active": False}, "deactivated"),
])
def test_changes_to_what_a_token_grants_end_the_sessions(db, make_user, change, reason):
    ana = make_user("ana@example.com", region="emea")
    with db.unit_of_work() as uow:
        users.update_user(uow, ADMIN, ana["id"], change)
    [event] = revocations(db)
    assert (event["token_version"], event["reason"]) == (1, reason)
    assert event["active"] is change.get("active", True)


def test_a_name_or_email_change_keeps_the_sessions(db, make_user):
    ana = make_user("ana@example.com")
    with db.unit_of_work() as uow:
        users.update_user(uow, ADMIN, ana["id"], {"name": "Ana L", "email": "ana.l@example.com"})
    assert revocations(db) == []


def test_deactivation_revokes_once_and_the_state_says_inactive(db, make_user):
    ana = make_user("ana@example.com")
    for _ in range(2):                              # idempotent: the second changes nothing
        with db.unit_of_work() as uow:
            users.deactivate_user(uow, ADMIN, ana["id"])
    assert [event["reason"] for event in revocations(db)] == ["deactivated"]
    with db.read_only() as session:
        assert sessions.get_token_state(session, ana["id"]) == {
            "user_id": ana["id"], "token_version": 1, "active": False}


def test_an_unknown_user_has_no_valid_token(db):
    with db.read_only() as session:
        assert sessions.get_token_state(session, "nobody")["active"] is False
        assert sessions.get_token_state(session, 42)["active"] is False


def test_logout_of_an_unknown_user_is_not_found(db):
    with db.unit_of_work() as uow, pytest.raises(NotFound):
        sessions.logout(uow, ADMIN)
