"""identity end to end inside one process: RPC in, rows + outbox in one commit, events out."""
import jwt
import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_waiter

from services.chassis.auth import CONTEXT_KEY, Principal
from services.chassis.errors import Conflict, Invalid, NotFound, Unauthorized
from services.identity import tokens
from services.identity.bootstrap import bootstrap
from tests.integration.identity.conftest import call

ADMIN = {"email": "root@example.com", "password": "root-password-123"}
SECRET = "secret-password-1"


def new_user(email, role="sales_rep", **fields):
    return {"email": email, "name": email.split("@")[0], "role": role, "password": SECRET, **fields}


@pytest.fixture
def admin(identity, identity_url, rabbit_config):
    """The first admin, made by the bootstrap; returned as a principal."""
    bootstrap(**ADMIN, url=identity_url, config={"AMQP_URI": rabbit_config["AMQP_URI"]})
    answer = call(identity, "issue_token", ADMIN["email"], ADMIN["password"])
    claims = tokens.decode_token(answer["access_token"])
    return Principal(user_id=claims["sub"], role=claims["role"])


def test_user_events_reach_a_consumer_without_secrets(identity, watcher, admin):
    with entrypoint_waiter(watcher, "on_user_created") as created:
        user = call(identity, "create_user", new_user(" Ana@Example.com"), principal=admin)
    envelope = created.get()
    assert envelope["source"] == "identity" and envelope["event_type"] == "user_created"
    assert envelope["actor"] == admin.user_id and envelope["payload"] == user
    assert not {"password", "password_hash"} & set(envelope["payload"])

    with entrypoint_waiter(watcher, "on_user_updated") as updated:
        call(identity, "update_user", user["id"], {"region": "emea"}, principal=admin)
    assert updated.get()["payload"]["region"] == "emea"

    with entrypoint_waiter(watcher, "on_user_deactivated") as deactivated:
        call(identity, "deactivate_user", user["id"], principal=admin)
    assert deactivated.get()["payload"]["active"] is False

    log = call(identity, "events_since", 0, 100)
    # bootstrap's user first; a new region and the deactivation also end the user's sessions
    assert [event["event_type"] for event in log] == \
        ["user_created", "user_created", "user_updated", "user_tokens_revoked",
         "user_deactivated", "user_tokens_revoked"]
    assert [event["sequence"] for event in log] == [1, 2, 3, 4, 5, 6]


def test_issue_token_round_trips_through_the_gateways_decoder(identity, admin):
    call(identity, "create_user", new_user("ana@example.com", role="manager", region="emea"),
         principal=admin)
    answer = call(identity, "issue_token", "ANA@example.com", SECRET)
    claims = tokens.decode_token(answer["access_token"])
    assert claims["role"] == "manager" and claims["region"] == "emea"
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == claims["exp"] - claims["iat"]
    me = call(identity, "get_user", claims["sub"],
              principal=Principal(user_id=claims["sub"], role=claims["role"]))
    assert me["email"] == "ana@example.com"
    with pytest.raises(jwt.InvalidTokenError):
        tokens.decode_token(answer["access_token"] + "x")


@pytest.mark.dialect_sensitive("case-insensitive email uniqueness (the unique index)")
def test_domain_errors_cross_rpc_intact(identity, admin, rabbit_config):
    context = {CONTEXT_KEY: admin.to_json()}
    with ServiceRpcProxy("identity", rabbit_config, context_data=context) as identity_rpc:
        identity_rpc.create_user(new_user("ana@example.com"))
        with pytest.raises(Conflict) as conflict:
            identity_rpc.create_user(new_user("ANA@example.com"))
        assert conflict.value.details == {"field": "email"}
        with pytest.raises(Invalid) as invalid:
            identity_rpc.create_user({"email": "nope", "role": "wizard", "extra": 1})
        assert {"email", "role", "name", "password", "extra"} == set(invalid.value.details)
        with pytest.raises(NotFound):
            identity_rpc.get_user("00000000-0000-0000-0000-000000000000")
        with pytest.raises(Unauthorized) as refused:
            identity_rpc.issue_token("ana@example.com", "wrong password")
        assert refused.value.message == "Wrong email or password."
    with ServiceRpcProxy("identity", rabbit_config) as anonymous:
        with pytest.raises(Unauthorized):
            anonymous.list_users({})


def test_api_key_create_authenticate_revoke(identity, admin):
    created = call(identity, "create_api_key", "billing sync", principal=admin)
    assert created["name"] == "billing sync" and created["key"].startswith("crm_")
    principal = call(identity, "authenticate_api_key", created["key"])
    assert principal == {"user_id": admin.user_id, "role": "admin", "team_id": None, "region": None}
    listed = call(identity, "list_api_keys", principal=admin)
    assert [key["id"] for key in listed] == [created["id"]] and "key" not in listed[0]
    call(identity, "revoke_api_key", created["id"], principal=admin)
    with pytest.raises(Unauthorized):
        call(identity, "authenticate_api_key", created["key"])


@pytest.mark.dialect_sensitive("keyset paging order")
def test_list_users_pages_over_rpc_and_managers_see_their_team(identity, admin):
    team = call(identity, "create_team", {"name": "EMEA", "region": "emea"}, principal=admin)
    mia = call(identity, "create_user", new_user("mia@example.com", role="manager",
                                                 team_id=team["id"]), principal=admin)
    for name in ("ana", "ben", "cho"):
        call(identity, "create_user", new_user(f"{name}@example.com", team_id=team["id"]),
             principal=admin)
    call(identity, "create_user", new_user("zed@example.com"), principal=admin)
    manager = Principal(user_id=mia["id"], role="manager", team_id=team["id"])
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = call(identity, "list_users", query, principal=manager)
        seen += [user["email"] for user in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["ana@example.com", "ben@example.com", "cho@example.com", "mia@example.com"]
    assert [t["name"] for t in call(identity, "list_teams", principal=manager)] == ["EMEA"]
    candidates = call(identity, "list_active_users", role="sales_rep", team_id=team["id"],
                      principal=manager)
    assert [user["email"] for user in candidates] == ["ana@example.com", "ben@example.com",
                                                      "cho@example.com"]


def test_a_deactivated_user_cannot_log_in(identity, admin):
    user = call(identity, "create_user", new_user("ana@example.com"), principal=admin)
    call(identity, "issue_token", "ana@example.com", SECRET)
    call(identity, "deactivate_user", user["id"], principal=admin)
    with pytest.raises(Unauthorized):
        call(identity, "issue_token", "ana@example.com", SECRET)
