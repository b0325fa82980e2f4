"""CORS for browser clients and the published API description."""
import re

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
    assert docs.headers["Content-Type"].startswith("text/html")
    assert client.get(f"{API}/docs").text == docs.text


REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")
ASSET_TYPES = {"css": "text/css", "js": "text/javascript", "png": "image/png"}


def test_docs_work_offline_every_asset_served_here_under_a_strict_policy(client):
    """Issue 10 finding 6: /docs loaded swagger-ui from a CDN, blank without internet."""
    docs = client.get("/docs")
    policy = docs.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self';" in policy
    assert not re.search(r"https?:|//|\*|unsafe", policy), policy
    references = REFERENCE.findall(docs.text)
    assert len(references) >= 3, docs.text
    assert "<script>" not in docs.text                    # no inline script: 'self' suffices
    for url in references:
        assert url.startswith("/") and not url.startswith("//"), f"{url} is not this origin"
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.headers["Content-Type"].startswith(ASSET_TYPES[url.rsplit(".", 1)[-1]]), url
        assert asset.headers["Content-Security-Policy"] == policy
    start = client.get("/docs/assets/start.js").text
    assert '"/openapi.json"' in start and "validatorUrl: null" in start
    assert "Apache License" in client.get("/docs/assets/LICENSE").text   # swagger-ui's licence
    assert client.get("/docs/assets/core.py").status_code == 404          # only the files named
    assert client.get("/docs/assets/..%2F__init__.py").status_code == 404


def test_a_control_character_in_a_path_value_is_404_before_any_service(client):
    for value in ("%00", "%1B%5B2J", "c-1%0A"):     # (a line break: werkzeug's own 404)
        response = client.as_user().get(f"{API}/customers/{value}")
        assert_problem(response, 404)
        assert "control character" in response.json()["detail"] or value.endswith("%0A")


def test_revoking_an_api_key_is_204(client):
    response = client.as_user().request("DELETE", f"{API}/api-keys/k-1")
    assert response.status_code == 204 and response.text == ""
