"""The route table and authentication, without a broker."""
import re
from pathlib import Path

import pytest

from gateway import auth
from gateway.problems import HttpProblem
from gateway.routes import ROUTES
from gateway.routing import Call, RouteTable
from services.chassis.auth import Principal
from services.chassis.errors import Unauthorized
from services.identity.tokens import encode_token
from tests.unit.gateway import jwt_factory

API = "/api/v1"
CONTRACTS = (Path(__file__).resolve().parents[3] / "docs" / "contracts.md").read_text()
EXPECTED = [
    ("POST", "/auth/token"), ("GET", "/me"), ("GET", "/users"), ("POST", "/users"),
    ("GET", "/users/{user_id}"), ("PATCH", "/users/{user_id}"),
    ("POST", "/users/{user_id}/deactivate"), ("GET", "/teams"), ("POST", "/teams"),
    ("GET", "/api-keys"), ("POST", "/api-keys"), ("DELETE", "/api-keys/{key_id}"),
    ("GET", "/customers"), ("POST", "/customers"), ("GET", "/customers/{customer_id}"),
    ("PATCH", "/customers/{customer_id}"), ("POST", "/customers/{customer_id}/assign"),
    ("POST", "/customers/merge"), ("GET", "/tags"), ("POST", "/tags"),
    ("POST", "/customers/tags"), ("DELETE", "/customers/tags"),
    ("GET", "/customers/{customer_id}/contacts"), ("POST", "/customers/{customer_id}/contacts"),
    ("GET", "/customers/{customer_id}/interactions"),
    ("POST", "/customers/{customer_id}/interactions"), ("POST", "/customers/imports"),
    ("GET", "/customers/imports/{job_id}"), ("GET", "/customers/export")]


@pytest.fixture(scope="module")
def table():
    return RouteTable(ROUTES)


def test_the_table_has_every_route_once():
    keys = [(route.method, route.path) for route in ROUTES]
    assert len(keys) == len(set(keys))
    assert {(method, API + path) for method, path in EXPECTED} <= set(keys)


def test_every_rpc_is_in_the_contract():
    for route in ROUTES:
        if route.rpc:
            assert re.search(rf"`{route.rpc}\(", CONTRACTS), f"{route.rpc} is not in contracts.md"


@pytest.mark.parametrize("method,path,rpc", [
    ("GET", "/customers/export", "export_customers"), ("POST", "/customers/merge", "merge_customers"),
    ("DELETE", "/customers/tags", "untag_customers"), ("GET", "/customers/c-1", "get_customer"),
    ("GET", "/customers/imports/j-1", "get_import"), ("GET", "/customers/", "list_customers")])
def test_static_segments_win_over_ids(table, method, path, rpc):
    assert table.match(API + path, method)[0].rpc == rpc


def test_unknown_path_and_wrong_method(table):
    with pytest.raises(HttpProblem) as caught:
        table.match(f"{API}/nothing", "GET")
    assert caught.value.status == 404
    with pytest.raises(HttpProblem) as caught:
        table.match(f"{API}/customers/c-1", "DELETE")
    assert caught.value.status == 405 and {"GET", "PATCH"} <= set(caught.value.extensions["allowed"])


def test_arguments_are_built_from_the_request(table):
    route, values = table.match(f"{API}/customers/c-1/assign", "POST")
    call = Call(path=values, query={}, body={"owner_id": "u-2"}, principal=None)
    assert route.build_arguments(call) == (("c-1", "u-2"), {})
    create, _ = table.match(f"{API}/customers", "POST")
    assert create.build_arguments(Call({}, {}, {"name": "A"}, None)) == (({"name": "A"},), {})
    assert create.build_arguments(Call({}, {"force": True}, {}, None))[1] == {"force": True}


def test_a_good_token_gives_the_principal():
    good = jwt_factory.token(user_id="u-1", role="manager", team_id="t-1", region="emea")
    principal = auth.authenticate({"Authorization": f"Bearer {good}"}, auth.ApiKeyCache(5), None)
    assert principal == Principal("u-1", "manager", "t-1", "emea")


def test_tokens_issued_by_identity_are_accepted():
    issued, _ = encode_token("u-7", "admin", team_id=None, region="apac")
    principal = auth.authenticate({"Authorization": f"Bearer {issued}"}, auth.ApiKeyCache(5), None)
    assert principal == Principal("u-7", "admin", None, "apac")


@pytest.mark.parametrize("name", sorted(jwt_factory.BAD_TOKENS))
def test_bad_tokens_are_401(name):
    headers = {"Authorization": f"Bearer {jwt_factory.BAD_TOKENS[name]()}"}
    with pytest.raises(HttpProblem) as caught:
        auth.authenticate(headers, auth.ApiKeyCache(5), None)
    assert caught.value.status == 401 and "Bearer" in caught.value.headers["WWW-Authenticate"]


def test_no_credentials_is_401():
    with pytest.raises(HttpProblem) as caught:
        auth.authenticate({}, auth.ApiKeyCache(5), None)
    assert caught.value.status == 401


def test_api_key_answers_are_cached_for_a_few_seconds_only():
    now = [0.0]
    cache, lookups = auth.ApiKeyCache(5, clock=lambda: now[0]), []

    def lookup(key):
        lookups.append(key)
        if key != "k":
            raise Unauthorized("no")
        return {"user_id": "u-1", "role": "agent", "team_id": None, "region": None}
    for _ in range(3):
        assert auth.authenticate({"X-API-Key": "k"}, cache, lookup).user_id == "u-1"
    assert len(lookups) == 1
    now[0] = 6.0
    auth.authenticate({"X-API-Key": "k"}, cache, lookup)
    assert len(lookups) == 2
    for _ in range(2):                                   # failures are never cached
        with pytest.raises(HttpProblem):
            auth.authenticate({"X-API-Key": "bad"}, cache, lookup)
    assert lookups.count("bad") == 2
