"""Logout and the login throttle at the edge (fake identity): the logging-out replica refuses
the token at once; identity's LoginThrottled is a 429 `login_throttled` with Retry-After; the
client's address reaches identity for its per-address count."""
from tests.integration.gateway import fakes
from tests.integration.gateway.support import API, assert_problem


def test_logout_refuses_the_token_on_this_replica_at_once(client):
    rep = client.as_user(user_id="u-7", role="sales_rep")
    assert rep.get(f"{API}/me").status_code == 200
    response = rep.post(f"{API}/auth/logout")
    assert response.status_code == 204, response.text
    body = assert_problem(rep.get(f"{API}/me"), 401, "token_revoked")
    assert 'error="invalid_token"' in rep.get(f"{API}/me").headers["WWW-Authenticate"]
    assert "sign in again" in body["detail"]
    assert ("identity", "logout", ("u-7",)) in fakes.CALLS


def test_logout_needs_a_caller(client):
    assert_problem(client.post(f"{API}/auth/logout"), 401, "unauthorized")


def test_a_throttled_login_is_a_429_with_retry_after(client):
    response = client.post(f"{API}/auth/token", json={"email": "locked@example.com",
                                                      "password": "right-password"})
    body = assert_problem(response, 429, "login_throttled")
    assert response.headers["Retry-After"] == "7" and body["retry_after"] == 7


def test_identity_is_told_the_client_address(start_gateway):
    client = start_gateway(env={"TRUSTED_PROXY_HOPS": "1"})
    client.post(f"{API}/auth/token", json={"email": "a@example.com", "password": "right-password"},
                headers={"X-Forwarded-For": "203.0.113.5"})
    assert ("identity", "issue_token", ("a@example.com", "203.0.113.5")) in fakes.CALLS
