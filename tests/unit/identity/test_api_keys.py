"""API keys: shown once, stored as a digest, found by prefix, revocable, scoped to their owner."""
import hashlib

import pytest
from sqlalchemy import select

from services.chassis.auth import Principal
from services.chassis.errors import Forbidden, Invalid, NotFound, Unauthorized
from services.identity.handlers import api_keys, users
from services.identity.models import ApiKey
from tests.unit.identity.helpers import ADMIN, principal_of


def create(db, principal, name="zapier"):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return api_keys.create_api_key(uow, principal, name)


def authenticate(db, key):
    with db.read_only() as session:
        return api_keys.authenticate_api_key(session, key)


def revoke(db, principal, key_id):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return api_keys.revoke_api_key(uow, principal, key_id)


def listed(db, principal):
    with db.read_only() as session:
        return api_keys.list_api_keys(session, principal)


@pytest.fixture
def ana(make_user, make_team):
    team = make_team("EMEA")
    return make_user("ana@example.com", role="marketer", team_id=team["id"], region="emea")


def test_the_key_is_shown_once_and_stored_only_as_a_digest(db, ana):
    created = create(db, principal_of(ana))
    key = created["key"]
    assert key.startswith(f"crm_{created['prefix']}_") and len(key) > 50
    with db.read_only() as session:
        row = session.get(ApiKey, created["id"])
        assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
        assert key not in [row.key_hash, row.prefix, row.name]
    listing = listed(db, principal_of(ana))
    assert [item["id"] for item in listing] == [created["id"]]
    assert "key" not in listing[0] and "key_hash" not in listing[0]


def test_a_key_authenticates_as_its_user(db, ana):
    key = create(db, principal_of(ana))["key"]
    assert authenticate(db, key) == {"user_id": ana["id"], "role": "marketer",
                                     "team_id": ana["team_id"], "region": "emea"}


@pytest.mark.parametrize("mangle", [
    pytest.param(lambda key: key[:-1] + ("A" if key[-1] != "A" else "B"), id="same-prefix-wrong-secret"),
    pytest.param(lambda key: "crm_000000000000_" + key.split("_", 2)[2], id="unknown-prefix"),
    pytest.param(lambda key: key.upper(), id="case-changed"),
    pytest.param(lambda key: "", id="empty"),
    pytest.param(lambda key: None, id="not-a-string"),
    pytest.param(lambda key: key + "x", id="too-long"),
])
def test_anything_but_the_exact_key_is_refused(db, ana, mangle):
    key = create(db, principal_of(ana))["key"]
    with pytest.raises(Unauthorized):
        authenticate(db, mangle(key))


def test_a_revoked_key_and_a_deactivated_users_key_stop_working(db, ana, make_user):
    first = create(db, principal_of(ana))
    second = create(db, principal_of(ana), name="second")
    revoked = revoke(db, principal_of(ana), first["id"])
    assert revoked["revoked_at"] is not None
    assert revoke(db, principal_of(ana), first["id"]) == revoked          # idempotent
    with pytest.raises(Unauthorized):
        authenticate(db, first["key"])
    assert authenticate(db, second["key"])["user_id"] == ana["id"]
    make_user("root@example.com", role="admin")
    with db.unit_of_work() as uow:
        users.deactivate_user(uow, ADMIN, ana["id"])
    with pytest.raises(Unauthorized):
        authenticate(db, second["key"])


def test_keys_are_private_to_their_owner_and_visible_to_admin(db, ana, make_user):
    ben = make_user("ben@example.com")
    anas = create(db, principal_of(ana))
    bens = create(db, principal_of(ben))
    assert [key["id"] for key in listed(db, principal_of(ben))] == [bens["id"]]
    assert {key["id"] for key in listed(db, ADMIN)} == {anas["id"], bens["id"]}
    with pytest.raises(NotFound):
        revoke(db, principal_of(ben), anas["id"])
    assert authenticate(db, anas["key"])["user_id"] == ana["id"]       # still alive
    assert revoke(db, ADMIN, anas["id"])["revoked_at"] is not None


def test_only_real_active_users_hold_keys_and_names_are_validated(db, ana):
    with pytest.raises(Forbidden):
        create(db, Principal(user_id="system", role="system"))
    with pytest.raises(Invalid):
        create(db, principal_of(ana), name="   ")
    with db.read_only() as session:
        assert session.scalars(select(ApiKey)).all() == []
