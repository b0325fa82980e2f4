"""CORS for browser clients and the published API description."""
from tests.integration.gateway.support import API, assert_problem

ORIGIN = "https://app.example.com"
PREFLIGHT = {"Origin": ORIGIN, "Access-Control-Request-Method": "PATCH",
             "Access-Control-Request-Headers": "authorization, content-type"}


def test_preflight_from_an_allowed_origin(start_gateway):
    client = start_gateway(env={"CORS_ORIGINS": f"{ORIGIN}, https://other.example.com"})
    response = client.request("OPTIONS", f"{API}/customers/c-1", headers=PREFLIGHT)
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "PATCH" in response.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]
    assert "Origin" in response.headers["Vary"]


def test_preflight_from_another_origin_is_refused(start_gateway):
    client = start_gateway(env={"CORS_ORIGINS": ORIGIN})
    response = client.request("OPTIONS", f"{API}/customers/c-1",
                              headers={**PREFLIGHT, "Origin": "https://evil.example.com"})
    assert_problem(response, 403)
    assert "Access-Control-Allow-Origin" not in response.headers


def test_actual_response_carries_cors_headers(start_gateway):
    client = start_gateway(env={"CORS_ORIGINS": ORIGIN}).as_user()
    response = client.get(f"{API}/customers/missing", headers={"Origin": ORIGIN})
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]


def test_cors_is_off_by_default(client):
    response = client.request("OPTIONS", f"{API}/customers/c-1", headers=PREFLIGHT)
    assert response.status_code == 204
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "PATCH" in response.headers["Allow"]


def test_openapi_and_docs_are_public(client):
    document = client.get("/openapi.json").json()
    assert document["openapi"] == "3.1.0" and f"{API}/customers" in document["paths"]
    assert client.get(f"{API}/openapi.json").json() == document
    docs = client.get("/docs")
    assert docs.headers["Content-Type"].startswith("text/html") and "/openapi.json" in docs.text


def test_revoking_an_api_key_is_204(client):
    response = client.as_user().request("DELETE", f"{API}/api-keys/k-1")
    assert response.status_code == 204 and response.text == ""
