"""Tokens revoked before `exp`, with the real identity and two gateway replicas on RabbitMQ:
a token used after logout or after its user's deactivation is a 401 `token_revoked` on every
replica — heard through identity's event (the replicas' cached answer is fresh, so nothing but
the event can change their mind) — and on a replica started afterwards (it asks identity)."""
import pytest
from argon2 import PasswordHasher, profiles

from gateway.service import GatewayService
from services.identity import passwords
from services.identity.bootstrap import bootstrap
from services.identity.service import IdentityService
from tests.helpers import wait_until
from tests.integration.gateway.support import API, Client, assert_problem
from tests.helpers import free_port

ADMIN = {"email": "root@example.com", "password": "root-password-123"}
SECRET = "secret-password-1"


@pytest.fixture
def start_replica(container_factory, rabbit_config):
    def start():
        port = free_port()
        container_factory(GatewayService, dict(rabbit_config, WEB_SERVER_ADDRESS=f"127.0.0.1:{port}")
                          ).start()
        return f"http://127.0.0.1:{port}"
    return start


@pytest.fixture
def replicas(container_factory, rabbit_config, migrated_database, monkeypatch, start_replica):
    """Two gateway replicas in front of a real identity (SQLite, cheap argon2)."""
    monkeypatch.setattr(passwords, "hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))
    url = migrated_database("identity")
    monkeypatch.setenv("IDENTITY_DATABASE_URL", url)
    monkeypatch.setenv("TOKEN_STATE_CACHE_SECONDS", "3600")   # only an event may refresh it
    bootstrap(**ADMIN, url=url, config={"AMQP_URI": rabbit_config["AMQP_URI"]})
    container_factory(IdentityService, rabbit_config).start()
    return start_replica(), start_replica()


def login(base, email, password):
    response = Client(base).post(f"{API}/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    client = Client(base)
    client.headers = {"Authorization": "Bearer " + response.json()["access_token"]}
    return client


def on(base, client):
    """The same token, sent to another replica."""
    other = Client(base)
    other.headers = dict(client.headers)
    return other


def refusal(client, message):
    """The 401 `client`'s token gets, once it gets one (a Response of a 4xx is falsy)."""
    def refused():
        response = client.get(f"{API}/me")
        return [response] if response.status_code == 401 else None
    return wait_until(refused, message=message)[0]


def new_rep(base, admin):
    email = "ana@example.com"
    created = admin.post(f"{API}/users", json={"email": email, "name": "Ana", "role": "sales_rep",
                                                "password": SECRET})
    assert created.status_code == 201, created.text
    return login(base, email, SECRET), created.json()


def test_a_token_used_after_logout_is_refused_on_every_replica(replicas, start_replica):
    a, b = replicas
    ana_a = login(a, ADMIN["email"], ADMIN["password"])
    ana_b = on(b, ana_a)
    assert ana_a.get(f"{API}/me").status_code == ana_b.get(f"{API}/me").status_code == 200

    assert ana_a.post(f"{API}/auth/logout").status_code == 204
    body = assert_problem(ana_a.get(f"{API}/me"), 401, "token_revoked")   # at once, here
    assert "sign in again" in body["detail"]
    assert_problem(refusal(ana_b, "replica b hears the logout"),
                   401, "token_revoked")
    assert_problem(on(start_replica(), ana_a).get(f"{API}/me"), 401, "token_revoked")  # restarted
    # A new login works again, everywhere.
    again = login(b, ADMIN["email"], ADMIN["password"])
    assert again.get(f"{API}/me").status_code == on(a, again).get(f"{API}/me").status_code == 200


def test_a_deactivated_users_token_is_refused_on_every_replica(replicas, start_replica):
    a, b = replicas
    admin = login(a, ADMIN["email"], ADMIN["password"])
    ana_a, ana = new_rep(a, admin)
    ana_b = on(b, ana_a)
    assert ana_a.get(f"{API}/me").status_code == ana_b.get(f"{API}/me").status_code == 200

    deactivated = admin.post(f"{API}/users/{ana['id']}/deactivate")
    assert deactivated.status_code == 200, deactivated.text
    for client, name in ((ana_a, "a"), (ana_b, "b")):
        assert_problem(refusal(client, f"replica {name} refuses"),
                       401, "token_revoked")
    assert_problem(on(start_replica(), ana_a).get(f"{API}/me"), 401, "token_revoked")
    assert admin.get(f"{API}/me").status_code == 200        # nobody else's sessions end


def test_a_role_change_ends_the_sessions_that_carry_the_old_role(replicas):
    a, b = replicas
    admin = login(a, ADMIN["email"], ADMIN["password"])
    ana_a, ana = new_rep(a, admin)
    ana_b = on(b, ana_a)
    assert ana_b.get(f"{API}/me").status_code == 200
    changed = admin.request("PATCH", f"{API}/users/{ana['id']}", json={"role": "manager"})
    assert changed.status_code == 200, changed.text
    assert_problem(refusal(ana_b, "replica b refuses"),
                   401, "token_revoked")
    assert login(b, "ana@example.com", SECRET).get(f"{API}/me").json()["role"] == "manager"
