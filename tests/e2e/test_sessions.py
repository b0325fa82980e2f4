"""Ending sessions through the public API, on real service processes: a token used after
logout, after its user's deactivation or after a new password is a 401 `token_revoked`
(although its `exp` is an hour away); signing in again works where the user still may; too
many failed logins for an account are a 429 `login_throttled` with Retry-After."""
import uuid

import pytest

from tests.e2e.client import Api

pytestmark = pytest.mark.e2e


def refused(client):
    response = client.get("me")
    assert response.status_code == 401, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "token_revoked"
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_logout_ends_every_session_of_the_user(system, admin):
    password = f"pw-{uuid.uuid4().hex}"
    rep = admin.create_user("agent", password=password)
    other_device = rep.login(rep.user["email"], password)
    assert rep.post("auth/logout").status_code == 204
    refused(rep)
    refused(other_device)
    assert rep.post("auth/logout").status_code == 401           # no session left to end
    again = Api(system.url).login(rep.user["email"], password)
    assert again.ok("GET", "me")["id"] == rep.user["id"]


def test_deactivation_and_a_new_password_end_the_users_sessions(system, admin):
    password = f"pw-{uuid.uuid4().hex}"
    agent = admin.create_user("agent", password=password)
    admin.ok("PATCH", f"users/{agent.user['id']}", json={"password": "a-new-password-123"})
    refused(agent)
    agent = Api(system.url).login(agent.user["email"], "a-new-password-123")
    admin.ok("POST", f"users/{agent.user['id']}/deactivate")
    refused(agent)
    gone = Api(system.url).post("auth/token", json={"email": agent.user["email"],
                                                    "password": "a-new-password-123"})
    assert gone.status_code == 401


def test_guessing_an_accounts_password_is_throttled(system, admin):
    password = f"pw-{uuid.uuid4().hex}"
    target = admin.create_user("agent", password=password)
    anonymous = Api(system.url)
    attempt = {"email": target.user["email"], "password": "a wrong guess!"}
    statuses = [anonymous.post("auth/token", json=attempt).status_code for _ in range(5)]
    assert statuses == [401] * 5
    locked = anonymous.post("auth/token", json={**attempt, "password": password})
    assert locked.status_code == 429, locked.text
    assert locked.json()["code"] == "login_throttled"
    assert 1 <= int(locked.headers["Retry-After"]) <= 900
    assert target.ok("GET", "me")["id"] == target.user["id"]    # existing sessions go on
