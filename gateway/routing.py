"""The route table: each route is one line mapping (method, path) → (service, rpc, arguments).

Arguments are built from small "parts", each a function of the parsed request:
`path("customer_id")`, `BODY`, `field("owner_id")`, `QUERY`, `query("limit")`, `ME`.
The same table drives dispatch, the 404/405/OPTIONS answers, metrics labels and OpenAPI.
"""
import importlib
import re
from dataclasses import dataclass, field as dc_field
from typing import Any, Callable

from marshmallow import Schema
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule

from gateway.problems import HttpProblem
from services.chassis import characters
from services.chassis.idempotency import WRITE_METHODS


@dataclass
class Call:
    """What dispatch has parsed, handed to the argument parts."""
    path: dict
    query: dict
    body: Any
    principal: Any


@dataclass(eq=False)              # hashable by identity: it is the werkzeug endpoint
class Route:
    method: str
    path: str                       # OpenAPI-style template: /api/v1/customers/{customer_id}
    service: str = None             # None: a local handler (health, openapi, ...)
    rpc: str = None
    args: tuple = ()                # parts → positional arguments
    kwargs: dict = dc_field(default_factory=dict)
    body: str = None                # None | "json" | "csv" | "form" (JSON, or an HTML form's
                                    # urlencoded fields read as the same object) | "csv_stream"
                                    # (CSV the route's handler reads as it comes)
    body_schema: Any = None         # "service:Schema", validated here when its fields become
                                    # RPC arguments (the service validates `data` bodies itself)
    query: Any = None               # "service:Query": the schema the service loads the query
                                    # with; it types, validates and documents the query string
                                    # (gateway/query.py)
    status: int = 200
    produces: str = "json"          # "json" | "csv" | "html" | "gif" | "redirect" (302) | "none" (204)
    public: bool = False            # no authentication
    roles: tuple = ()               # coarse authorisation; services enforce the real scopes
    location: str = None            # Location header template for 201/202, e.g. "/customers/{id}"
    handler: Callable = None        # local handler(service, request, call) → (status, body)
    # OpenAPI
    summary: str = ""
    tag: str = ""
    request_schema: Any = None      # "service:Schema" or a Schema class (documentation only)
    response_schema: Any = None
    response_page: bool = False     # `{"items": [...], "next_cursor"}`
    response_many: bool = False     # a bare list
    hidden: bool = False            # aliases, left out of the OpenAPI document
    operation_id: str = None        # default: the rpc (or handler) name, made unique
    errors: tuple = ()              # extra error statuses to document (problem+json)
    responses: dict = dc_field(default_factory=dict)  # other documented {status: (text, schema)}
    alternates: tuple = ()          # other media types the success may be (a report's exports)
    limited: bool = True            # rate limited (probes are not)

    @property
    def takes_idempotency_key(self):
        """Authenticated writes answered by a service honour an Idempotency-Key header."""
        return self.method in WRITE_METHODS and self.service is not None and not self.public

    def build_arguments(self, call):
        args = tuple(part(call) for part in self.args)
        kwargs = {name: part(call) for name, part in self.kwargs.items()}
        return args, {name: value for name, value in kwargs.items() if value is not None}


# --- argument parts -------------------------------------------------------------------------

def path(name):
    return lambda call: call.path[name]


def field(name):
    return lambda call: call.body.get(name)


def query(name, default=None):
    return lambda call: call.query.get(name, default)


def BODY(call):
    return call.body


def QUERY(call):
    return dict(call.query)


def ME(call):
    return call.principal.user_id


def resolve_schema(reference):
    """A Schema class (or None if the owning module does not define it yet)."""
    if reference is None or (isinstance(reference, type) and issubclass(reference, Schema)):
        return reference
    service, _, name = reference.partition(":")
    try:
        module = importlib.import_module(f"services.{service}.schemas")
    except ImportError:
        return None
    found = getattr(module, name, None)
    return found if isinstance(found, type) and issubclass(found, Schema) else None


# --- matching -------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"{(\w+)}")


def werkzeug_rule(template):
    return _PLACEHOLDER.sub(r"<\1>", template)


class RouteTable:
    def __init__(self, routes):
        self.routes = list(routes)
        self._map = Map([Rule(werkzeug_rule(r.path), methods=[r.method], endpoint=r)
                         for r in self.routes], strict_slashes=False, merge_slashes=False)

    def match(self, path_info, method):
        """(route, path values) or HttpProblem 404/405 (with `allowed` methods)."""
        adapter = self._map.bind("gateway", "/")
        try:
            route, values = adapter.match(path_info, method=method)
        except MethodNotAllowed as exc:
            allowed = sorted(set(exc.valid_methods or ()))
            raise HttpProblem(405, f"{method} is not allowed on {path_info}.",
                              "method_not_allowed", headers={"Allow": ", ".join(allowed)},
                              allowed=allowed)
        except NotFound:
            raise HttpProblem(404, f"No route {path_info}.", "route_not_found")
        except Exception:       # RequestRedirect and the like: treat as not found
            raise HttpProblem(404, f"No route {path_info}.", "route_not_found")
        for name, value in values.items():
            # No record is named with a control character (services/chassis/characters.py);
            # refused here, before a database is asked (PostgreSQL cannot even compare a NUL).
            if characters.problem(value):
                raise HttpProblem(404, f"No record has that {name}: it holds a control "
                                       "character.", "not_found")
        return route, values

    def allowed_methods(self, path_info):
        adapter = self._map.bind("gateway", "/")
        return sorted(set(adapter.allowed_methods(path_info)))
