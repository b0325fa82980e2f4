"""Domain errors, request shape and unknown failures as application/problem+json."""
from prometheus_client import REGISTRY

from tests.integration.gateway.support import API, assert_problem


def test_not_found_from_the_service_is_404(client):
    body = assert_problem(client.as_user().get(f"{API}/customers/missing"), 404, "not_found")
    assert body["instance"] == f"{API}/customers/missing" and body["id"] == "missing"


def test_duplicate_is_409_with_what_it_duplicates(client):
    response = client.as_user().post(f"{API}/customers",
                                     json={"name": "Acme", "email": "dup@example.com"})
    body = assert_problem(response, 409, "conflict")
    assert body["duplicate_of"] == "c-1" and body["match"] == "email"


def test_force_creates_the_duplicate_anyway(client):
    response = client.as_user().post(f"{API}/customers?force=true",
                                     json={"name": "Acme", "email": "dup@example.com"})
    assert response.status_code == 201, response.text
    assert response.json()["forced"] is True
    assert response.headers["Location"] == f"{API}/customers/c-new"


def test_invalid_input_is_422_with_per_field_errors(client):
    body = assert_problem(client.as_user().post(f"{API}/customers", json={"email": "a@b.c"}), 422)
    assert body["errors"] == {"name": ["Missing data for required field."]}


def test_unexpected_error_is_500_without_internals(client):
    response = client.as_user().get(f"{API}/customers/boom")
    body = assert_problem(response, 500, "internal_error")
    assert "hunter2" not in response.text and "RuntimeError" not in response.text
    assert body["call_id"].startswith("gateway.")


def test_malformed_json_is_400(client):
    response = client.as_user().post(f"{API}/customers", data=b'{"name": ',
                                     headers={"Content-Type": "application/json"})
    assert_problem(response, 400, "malformed_json")


def test_non_object_json_is_422(client):
    assert_problem(client.as_user().post(f"{API}/customers", json=["Acme"]), 422, "invalid")


def test_wrong_content_type_is_415(client):
    response = client.as_user().post(f"{API}/customers", data="name=Acme",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_problem(response, 415, "unsupported_media_type")


def test_wrong_field_types_in_gateway_owned_bodies_are_422(client):
    response = client.as_user().post(f"{API}/customers/tags",
                                     json={"customer_ids": "c-1", "tags": ["vip"]})
    assert "customer_ids" in assert_problem(response, 422)["errors"]
    ok = client.as_user().post(f"{API}/customers/tags", json={"customer_ids": ["c-1"], "tags": ["vip"]})
    assert ok.json() == {"tagged": 1, "tags": ["vip"]}


def test_unknown_route_is_404_problem(client):
    assert_problem(client.as_user().get(f"{API}/nowhere"), 404, "route_not_found")


def test_wrong_method_is_405_problem_with_allow(client):
    response = client.as_user().request("PUT", f"{API}/customers/c-1")
    assert_problem(response, 405, "method_not_allowed")
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "PATCH"}
    odd = client.request("TRACE", "/health")            # outside the catch-all: nameko's map
    assert_problem(odd, 405)


def test_list_query_maps_to_the_service_query(client):
    response = client.as_user().get(
        f"{API}/customers?tags_any=vip,hot&tags_all=eu&tags_all=b2b&limit=10&q=acme&region=emea")
    assert response.json()["query"] == {"tags_any": ["vip", "hot"], "tags_all": ["eu", "b2b"],
                                        "limit": 10, "q": "acme", "region": "emea"}


def test_non_integer_limit_and_unknown_params_are_422(client):
    body = assert_problem(client.as_user().get(f"{API}/customers?limit=ten"), 422)
    assert "limit" in body["errors"]
    assert "colour" in assert_problem(client.as_user().get(f"{API}/customers?colour=red"), 422)["errors"]


def test_csv_import_and_export(client):
    started = client.as_user().post(f"{API}/customers/imports", data="name,email\nAcme,a@acme.test\n",
                                    headers={"Content-Type": "text/csv"})
    assert started.status_code == 202 and started.json()["lines"] == 2
    assert started.headers["Location"] == f"{API}/customers/imports/job-1"
    exported = client.as_user().get(f"{API}/customers/export")
    assert exported.headers["Content-Type"].startswith("text/csv")
    assert exported.text.startswith("id,name")
    assert exported.headers["X-Export-Truncated"] == "true" and exported.headers["X-Export-Rows"] == "1"


def test_responses_are_counted_by_route_template_and_status(client):
    labels = {"service": "gateway", "route": f"{API}/customers/{{customer_id}}", "status": "404"}
    before = REGISTRY.get_sample_value("crm_http_responses_total", labels) or 0
    client.as_user().get(f"{API}/customers/missing")
    assert REGISTRY.get_sample_value("crm_http_responses_total", labels) == before + 1
