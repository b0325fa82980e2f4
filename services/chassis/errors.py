"""Domain errors that cross RPC intact.

nameko serialises an exception as (module path, args) and, on the caller's side, rebuilds it
only if that path is in its registry; otherwise the caller sees a generic RemoteError. Each
class here registers itself, so `customers` raising NotFound is a NotFound in the gateway,
which maps `http_status` to a problem+json response.
"""
from nameko.exceptions import get_module_path, registry


class CrmError(Exception):
    http_status = 500
    code = "internal_error"

    def __init__(self, message, details=None):
        super().__init__(message, details or {})

    @property
    def message(self):
        return self.args[0]

    @property
    def details(self):
        return self.args[1]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        registry[get_module_path(cls)] = cls


class Invalid(CrmError):
    """The input is wrong; `details` maps field name → list of messages."""
    http_status = 422
    code = "invalid"


class BadRequest(CrmError):
    http_status = 400
    code = "bad_request"


class Unauthorized(CrmError):
    http_status = 401
    code = "unauthorized"


class Forbidden(CrmError):
    http_status = 403
    code = "forbidden"


class NotFound(CrmError):
    http_status = 404
    code = "not_found"


class Conflict(CrmError):
    """State forbids the change, or a duplicate exists (`details` says which)."""
    http_status = 409
    code = "conflict"


class Gone(CrmError):
    """It existed and is over for good (an expired link): 410, distinct from never having
    existed (404)."""
    http_status = 410
    code = "gone"


class TooManyRequests(CrmError):
    """Refused for a while; `details["retry_after"]` is the whole seconds to wait (the gateway
    answers 429 with a Retry-After header)."""
    http_status = 429
    code = "too_many_requests"


class LoginThrottled(TooManyRequests):
    """Too many failed logins for this account or from this address (identity's guard)."""
    code = "login_throttled"


registry[get_module_path(CrmError)] = CrmError


def invalid_from_marshmallow(error):
    """marshmallow's ValidationError → Invalid with the same per-field messages."""
    messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    return Invalid("The request is not valid.", messages)
