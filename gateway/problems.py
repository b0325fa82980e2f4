"""RFC 9457 problem details: every error the gateway answers is `application/problem+json`.

Domain errors arrive from the services as registered `CrmError` subclasses and are mapped by
their `http_status`; their `details` become extension members (`errors` for a 422, e.g.
`duplicate_of` / `match` for a 409). Anything else is a 500 that says nothing about internals.
"""
import json
from http import HTTPStatus

from werkzeug.wrappers import Response

from services.chassis.errors import CrmError
from services.chassis.rpc import ServiceUnavailable

PROBLEM_JSON = "application/problem+json"
RESERVED = {"type", "title", "status", "detail", "instance", "code"}
SERVICE_UNAVAILABLE_RETRY_AFTER = 5
# RFC 9457 allows a non-resolvable URI; clients switch on `type` (or the same `code`).
TYPE_BASE = "urn:crm:problem:"


class HttpProblem(Exception):
    """An error the gateway itself decides (bad JSON, 413, 415, 429, 404 route, ...)."""

    def __init__(self, status, detail, code=None, headers=None, **extensions):
        super().__init__(detail)
        self.status = int(status)
        self.detail = detail
        self.code = code or _default_code(self.status)
        self.headers = dict(headers or {})
        self.extensions = extensions


def problem_members(exc, **members):
    """Add extension members to whatever error is on its way to `from_exception` (an
    HttpProblem, a service's CrmError, ...): context the raiser did not have, such as the
    import job a refused upload had already opened. Returns `exc`, to re-raise."""
    exc.problem_members = {**getattr(exc, "problem_members", {}), **members}
    return exc


def _default_code(status):
    return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")


def title_for(status):
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_body(status, detail, code, instance=None, **extensions):
    body = {
        "type": f"{TYPE_BASE}{code}",
        "title": title_for(status),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    for key, value in extensions.items():
        if key not in RESERVED and value is not None:
            body[key] = value
    return body


def problem_response(status, detail, code=None, instance=None, headers=None, **extensions):
    code = code or _default_code(status)
    body = problem_body(status, detail, code, instance, **extensions)
    response = Response(json.dumps(body, ensure_ascii=False), status=status,
                        content_type=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = str(value)
    return response


# A 503 on a write does not mean it did not happen: the service may have done it, or may still.
WRITE_MAY_APPLY = ("A write that timed out may still be applied: retry it with the same "
                   "Idempotency-Key header (send one with every write) to get its first answer "
                   "instead of doing it twice.")


def from_exception(exc, instance=None, call_id=None, write=False):
    """(response, is_server_fault). Only the caller logs; nothing internal reaches the body.
    `write`: the request was a POST/PATCH/PUT, so a 503 says it may still apply."""
    added = {key: value for key, value in getattr(exc, "problem_members", {}).items()
             if key not in RESERVED and key != "headers"}        # never the document's own
    common = dict(added, instance=instance, call_id=call_id)
    if isinstance(exc, HttpProblem):
        return problem_response(exc.status, exc.detail, exc.code, headers=exc.headers,
                                **common, **exc.extensions), exc.status >= 500
    if isinstance(exc, ServiceUnavailable):
        detail = f"{exc.message} {WRITE_MAY_APPLY}" if write else exc.message
        return problem_response(
            503, detail, exc.code, headers={"Retry-After": SERVICE_UNAVAILABLE_RETRY_AFTER},
            service=(exc.details or {}).get("service"), may_have_applied=True if write else None,
            **common), True
    if isinstance(exc, CrmError) and 400 <= exc.http_status < 500:
        extensions, headers = _extensions(exc), _auth_headers(exc)
        seconds = _retry_after(exc)
        if seconds is not None:
            extensions["retry_after"] = headers["Retry-After"] = seconds
        return problem_response(exc.http_status, exc.message, exc.code, headers=headers,
                                **common, **extensions), False
    return problem_response(500, "An unexpected error occurred. Quote the call_id when "
                            "reporting it.", "internal_error", **common), True


def _extensions(exc):
    details = exc.details if isinstance(exc.details, dict) else {}
    if exc.http_status == 422:
        return {"errors": details}
    members = {key: value for key, value in details.items() if key not in RESERVED}
    if exc.http_status == 429:
        members["retry_after"] = _retry_after(exc)
    return members


def _auth_headers(exc):
    if exc.http_status == 401:
        return {"WWW-Authenticate": 'Bearer realm="crm"'}
    if exc.http_status == 429 and _retry_after(exc) is not None:
        return {"Retry-After": _retry_after(exc)}
    return {}


def _retry_after(exc):
    """Whole seconds; nameko carries an exception's details as strings, so "7" is read too."""
    value = exc.details.get("retry_after") if isinstance(exc.details, dict) else None
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return None
