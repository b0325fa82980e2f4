"""The gateway's side of Idempotency-Key: the header checked, passed with the write's RPC (key +
request fingerprint) and nowhere else; a 503 on a write says it may still apply."""
import pytest

from tests.integration.gateway import fakes
from tests.integration.gateway.support import API, assert_problem

KEY = "0b6f8f2e-5d2a-4c43-9a51-6a0c1e7d2b11"


def seen_by_create():
    return [call[2] for call in fakes.CALLS if call[1] == "create_customer"]


def test_the_key_and_a_request_fingerprint_travel_with_the_write(client):
    user = client.as_user()
    for body in ({"name": "Acme"}, {"name": "Acme"}, {"name": "Other"}):
        response = user.post(f"{API}/customers", json=body, headers={"Idempotency-Key": KEY})
        assert response.status_code == 201, response.text
    user.post(f"{API}/customers?force=true", json={"name": "Acme"}, headers={"Idempotency-Key": KEY})
    user.post(f"{API}/customers", json={"name": "Acme"})
    (key1, same1), (key2, same2), (key3, other), (key4, forced), without = seen_by_create()
    assert key1 == key2 == key3 == key4 == KEY
    assert same1 == same2 and len(same1) == 64
    assert other != same1 and forced != same1       # the body and the query are the request too
    assert without == (None, None)


def test_the_key_is_not_passed_to_the_calls_made_to_authenticate(client):
    response = client.post(f"{API}/customers", json={"name": "Acme"},
                           headers={"X-API-Key": "good-key", "Idempotency-Key": KEY})
    assert response.status_code == 201, response.text
    assert seen_by_create() == [(KEY, seen_by_create()[0][1])]


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\tinside"])
def test_a_malformed_key_is_a_400_and_nothing_is_called(client, key):
    response = client.as_user().post(f"{API}/customers", json={"name": "Acme"},
                                     headers={"Idempotency-Key": key})
    body = assert_problem(response, 400, "idempotency_key_invalid")
    assert body["header"] == "Idempotency-Key"
    assert seen_by_create() == []


def test_a_key_on_a_public_route_or_a_read_is_ignored(client):
    response = client.post(f"{API}/auth/token", json={"email": "a@b.c", "password": "right-password"},
                           headers={"Idempotency-Key": ""})
    assert response.status_code == 200, response.text
    assert client.as_user().get(f"{API}/customers/c-1",
                                headers={"Idempotency-Key": ""}).status_code == 200


def test_a_key_still_in_progress_is_a_409_with_retry_after(client):
    response = client.as_user().post(f"{API}/customers", json={"name": "busy"},
                                     headers={"Idempotency-Key": KEY})
    body = assert_problem(response, 409, "idempotency_key_in_use")
    assert response.headers["Retry-After"] == "1" and body["retry_after"] == 1


def test_a_write_that_times_out_says_it_may_still_apply_and_how_to_retry(start_gateway):
    client = start_gateway(env={"RPC_TIMEOUT_SECONDS": 0.5}).as_user()
    response = client.post(f"{API}/customers", json={"name": "slow"},
                           headers={"Idempotency-Key": KEY})
    body = assert_problem(response, 503, "service_unavailable")
    assert body["may_have_applied"] is True
    assert "may still be applied" in body["detail"] and "same Idempotency-Key" in body["detail"]
    read = assert_problem(client.get(f"{API}/customers/slow"), 503, "service_unavailable")
    assert "may_have_applied" not in read and "Idempotency-Key" not in read["detail"]
