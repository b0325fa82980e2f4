"""issue_token: one answer for every failure; argon2id verification; outdated hashes upgraded."""
import dataclasses

import pytest
from argon2 import PasswordHasher, profiles

from services.chassis.errors import Unauthorized
from services.identity import passwords, tokens
from services.identity.handlers import login, users
from services.identity.models import User
from tests.unit.identity.helpers import ADMIN, PASSWORD


def issue(db, email, password):
    return login.issue_token(db, email, password)


def refusal(db, email, password):
    with pytest.raises(Unauthorized) as caught:
        issue(db, email, password)
    return caught.value.message, caught.value.details


def test_the_right_password_gets_a_token_for_that_user(db, make_user, make_team):
    team = make_team("EMEA")
    ana = make_user("ana@example.com", role="manager", team_id=team["id"], region="emea")
    answer = issue(db, " ANA@example.com", PASSWORD)
    assert answer["token_type"] == "Bearer" and answer["expires_in"] > 0
    claims = tokens.decode_token(answer["access_token"])
    assert (claims["sub"], claims["role"], claims["team_id"], claims["region"]) == \
        (ana["id"], "manager", team["id"], "emea")


def test_wrong_password_unknown_email_and_deactivated_user_look_the_same(db, make_user):
    make_user("ana@example.com")
    gone = make_user("gone@example.com")
    with db.unit_of_work() as uow:
        users.deactivate_user(uow, ADMIN, gone["id"])
    wrong_password = refusal(db, "ana@example.com", "wrong password")
    assert refusal(db, "nobody@example.com", PASSWORD) == wrong_password
    assert refusal(db, "gone@example.com", PASSWORD) == wrong_password


def test_an_unknown_email_still_pays_for_a_verification(db, make_user, monkeypatch):
    make_user("ana@example.com")
    verified = []

    class CountingHasher(PasswordHasher):
        def verify(self, password_hash, password):
            verified.append(password_hash)
            return super().verify(password_hash, password)
    monkeypatch.setattr(passwords, "hasher", CountingHasher.from_parameters(profiles.CHEAPEST))
    refusal(db, "nobody@example.com", PASSWORD)
    refusal(db, "ana@example.com", "wrong password")
    assert len(verified) == 2 and all(h.startswith("$argon2id$") for h in verified)


def test_an_outdated_hash_is_upgraded_at_login(db, make_user, monkeypatch):
    ana = make_user("ana@example.com")
    with db.read_only() as session:
        old = session.get(User, ana["id"]).password_hash
    stronger = dataclasses.replace(profiles.CHEAPEST, time_cost=2)
    monkeypatch.setattr(passwords, "hasher", PasswordHasher.from_parameters(stronger))
    issue(db, "ana@example.com", PASSWORD)
    with db.read_only() as session:
        new = session.get(User, ana["id"]).password_hash
    assert new != old and "t=2" in new
    issue(db, "ana@example.com", PASSWORD)            # and the new hash verifies


def test_a_failed_login_changes_nothing(db, make_user):
    ana = make_user("ana@example.com")
    with db.read_only() as session:
        before = session.get(User, ana["id"]).password_hash
    refusal(db, "ana@example.com", "wrong password")
    with db.read_only() as session:
        assert session.get(User, ana["id"]).password_hash == before
