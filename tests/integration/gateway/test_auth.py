"""Authentication at the edge and the principal carried to the services."""
import pytest

from tests.integration.gateway import fakes
from tests.integration.gateway.support import API, assert_problem
from tests.unit.gateway import jwt_factory


@pytest.mark.parametrize("path", [f"{API}/customers/c-1", f"{API}/me", f"{API}/customers"])
def test_protected_routes_need_credentials(client, path):
    body = assert_problem(client.get(path), 401, "unauthorized")
    assert body["instance"] == path


def test_401_carries_a_bearer_challenge(client):
    response = client.get(f"{API}/customers/c-1")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("name", sorted(jwt_factory.BAD_TOKENS))
def test_bad_tokens_are_refused(client, name):
    bad = jwt_factory.BAD_TOKENS[name]()
    response = client.get(f"{API}/customers/c-1", headers={"Authorization": f"Bearer {bad}"})
    assert_problem(response, 401, "unauthorized")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_non_bearer_scheme_is_refused(client):
    response = client.get(f"{API}/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_principal_travels_to_the_service_in_context_data(client):
    response = client.as_user(user_id="u-42", role="manager", team_id="t-9", region="apac") \
        .get(f"{API}/customers/c-7")
    assert response.status_code == 200, response.text
    assert response.json() == {"id": "c-7", "seen_principal": {
        "user_id": "u-42", "role": "manager", "team_id": "t-9", "region": "apac"}}


def test_me_asks_identity_for_the_token_subject(client):
    body = client.as_user(user_id="u-5", role="agent").get(f"{API}/me").json()
    assert body["id"] == "u-5" and body["seen_principal"]["role"] == "agent"


def test_api_key_authenticates_and_is_cached(client):
    key = {"X-API-Key": "good-key"}
    first = client.get(f"{API}/customers/c-1", headers=key)
    second = client.get(f"{API}/customers/c-2", headers=key)
    assert first.status_code == second.status_code == 200
    assert second.json()["seen_principal"] == {
        "user_id": "u-key", "role": "marketer", "team_id": None, "region": "emea"}
    lookups = [call for call in fakes.CALLS if call[1] == "authenticate_api_key"]
    assert len(lookups) == 1            # the second request was served from the cache


def test_unknown_api_key_is_401(client):
    assert_problem(client.get(f"{API}/customers/c-1", headers={"X-API-Key": "nope"}), 401)


def test_token_endpoint_is_public_and_maps_identity_errors(client):
    ok = client.post(f"{API}/auth/token", json={"email": "a@example.com", "password": "right-password"})
    assert ok.status_code == 200 and ok.json()["access_token"] == "issued-token"
    assert ok.headers["Cache-Control"] == "no-store"
    wrong = client.post(f"{API}/auth/token", json={"email": "a@example.com", "password": "bad"})
    assert_problem(wrong, 401)


def test_token_request_shape_is_checked_at_the_edge(client):
    body = assert_problem(client.post(f"{API}/auth/token", json={"email": "a@example.com"}), 422)
    assert "password" in body["errors"]
    assert not [call for call in fakes.CALLS if call[1] == "issue_token"]


def test_admin_only_routes_are_refused_early_for_other_roles(client):
    response = client.as_user(role="sales_rep").post(f"{API}/users", json={"email": "x@example.com"})
    assert_problem(response, 403, "forbidden")
    assert not [call for call in fakes.CALLS if call[1] == "create_user"]
    created = client.as_user(role="admin").post(f"{API}/users", json={"email": "x@example.com"})
    assert created.status_code == 201
    assert created.headers["Location"] == f"{API}/users/u-new"
