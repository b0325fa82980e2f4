"""Rendering errors as RFC 9457 problem details."""
import json

from gateway.problems import HttpProblem, from_exception, problem_members, problem_response
from services.chassis.errors import (Conflict, CrmError, Forbidden, Invalid, NotFound,
                                     TooManyRequests, Unauthorized)
from services.chassis.rpc import ServiceUnavailable


def render(exc):
    response, fault = from_exception(exc, instance="/api/v1/x", call_id="gateway.dispatch.1")
    return response, json.loads(response.get_data()), fault


def test_problem_document_has_the_rfc_9457_members():
    response = problem_response(404, "No such thing.", instance="/api/v1/things/1")
    body = json.loads(response.get_data())
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert body == {"type": "urn:crm:problem:not_found", "title": "Not Found", "status": 404,
                    "detail": "No such thing.", "code": "not_found", "instance": "/api/v1/things/1"}


def test_domain_errors_map_by_http_status():
    for exc, status in ((NotFound("x"), 404), (Forbidden("x"), 403), (Conflict("x"), 409),
                        (Invalid("x"), 422), (Unauthorized("x"), 401)):
        response, body, fault = render(exc)
        assert (response.status_code, body["status"], fault) == (status, status, False)
        assert body["code"] == exc.code and body["detail"] == "x"


def test_invalid_details_become_errors():
    _, body, _ = render(Invalid("Bad.", {"email": ["Not a valid email address."]}))
    assert body["errors"] == {"email": ["Not a valid email address."]}


def test_conflict_details_become_extension_members_but_not_reserved_ones():
    _, body, _ = render(Conflict("Dup.", {"duplicate_of": "c-1", "match": "email", "status": 200}))
    assert body["duplicate_of"] == "c-1" and body["match"] == "email" and body["status"] == 409


def test_unauthorized_has_a_bearer_challenge():
    response, _, _ = render(Unauthorized("Who?"))
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_service_unavailable_is_503_with_retry_after():
    response, body, fault = render(ServiceUnavailable("down", {"service": "customers"}))
    assert response.status_code == 503 and fault
    assert int(response.headers["Retry-After"]) > 0 and body["service"] == "customers"


def test_unknown_errors_leak_nothing():
    for exc in (RuntimeError("db password=hunter2"), CrmError("internal", {"sql": "SELECT"}),
                KeyError("secret_key")):
        response, body, fault = render(exc)
        text = response.get_data(as_text=True)
        assert response.status_code == 500 and fault
        assert "hunter2" not in text and "SELECT" not in text and "secret_key" not in text
        assert body["call_id"] == "gateway.dispatch.1"


def test_gateway_problems_keep_their_headers_and_extensions():
    exc = HttpProblem(429, "Slow down.", "rate_limited", headers={"Retry-After": 7}, retry_after=7)
    response, body, fault = render(exc)
    assert response.headers["Retry-After"] == "7" and body["retry_after"] == 7 and not fault


def test_too_many_requests_from_a_service_carries_retry_after():
    response, body, fault = render(TooManyRequests("2 jobs wait.", {"retry_after": 30}))
    assert (response.status_code, fault) == (429, False)
    assert response.headers["Retry-After"] == "30" and body["retry_after"] == 30


def test_problem_members_adds_context_to_any_error():
    _, body, _ = render(problem_members(HttpProblem(413, "Too big.", limit=10), import_id="j-1"))
    assert (body["status"], body["limit"], body["import_id"]) == (413, 10, "j-1")
    _, body, _ = render(problem_members(Invalid("Bad.", {"csv": ["No rows."]}), import_id="j-1"))
    assert body["errors"] == {"csv": ["No rows."]} and body["import_id"] == "j-1"
    _, body, _ = render(problem_members(ServiceUnavailable("customers"), import_id="j-1"))
    assert body["status"] == 503 and body["import_id"] == "j-1"
    _, body, _ = render(problem_members(problem_members(ValueError("x"), a="1"), import_id="j-1"))
    assert (body["status"], body["a"], body["import_id"]) == (500, "1", "j-1")
    _, body, _ = render(problem_members(Invalid("Bad."), status=200, code="x"))
    assert (body["status"], body["code"]) == (422, "invalid")       # reserved members stay
