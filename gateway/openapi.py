"""The OpenAPI 3.1 document, generated from the route table and the marshmallow schemas.

Request and response schemas are the services' own (`"customers:Customer"` names a class in
services/customers/schemas.py), so the document cannot drift from what the services validate.
"""
import copy
import logging
import re

from gateway import field_schemas, query
from gateway.routing import resolve_schema
from gateway.schemas import Problem
from services.chassis import characters

log = logging.getLogger(__name__)

PROBLEMS = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
            405: "MethodNotAllowed", 409: "Conflict", 410: "Gone", 413: "PayloadTooLarge",
            415: "UnsupportedMediaType", 422: "UnprocessableContent", 429: "TooManyRequests",
            500: "InternalError", 503: "ServiceUnavailable"}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}
IDEMPOTENCY_KEY = {
    "in": "header", "name": "Idempotency-Key", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255,
               "pattern": "^[!-~]([ -~]*[!-~])?$"},
    "description": "Any unique string of printable ASCII (a UUID). A retry with the same key "
                   "and the same request (method, path, query and body) answers the first "
                   "answer, also after a 503 or a timeout once the write has finished; the same "
                   "key with another request is a 422 (`idempotency_key_reused`); while the first "
                   "is still being processed, a 409 (`idempotency_key_in_use`) with Retry-After. "
                   "Keys are per user and kept IDEMPOTENCY_KEY_TTL_SECONDS (24 h by default). "
                   "Refusals (4xx) are not kept: retrying one evaluates it again."}
DESCRIPTION = """One external REST API for the CRM services.

Authenticate with `Authorization: Bearer <token>` (from `POST /api/v1/auth/token`) or an
`X-API-Key` header. Errors are `application/problem+json` (RFC 9457). Requests are rate limited
per principal (per client IP when unauthenticated) in a sliding window, per gateway process or
shared by every replica (`RATE_LIMIT_STORAGE_URL`); `429` answers carry `Retry-After`. A token
revoked before it expires (`POST /api/v1/auth/logout`, deactivation, a new password or role) is
a `401` with code `token_revoked`: sign in again. Lists are cursor-paginated: pass `next_cursor`
back as `cursor`.

**Retrying safely.** A `503` on a write does not mean it did not happen: it may still be applied.
Send an `Idempotency-Key` header (a UUID) with every POST, PATCH and PUT, and retry with the same
key: the first answer comes back instead of the write running twice.
"""

_cache = {}


def _schema_ref(reference):
    schema = resolve_schema(reference)
    if schema is not None:
        return schema
    if reference is not None:
        log.warning("openapi: schema %s not found; documented as a free-form object", reference)
    return {"type": "object"}


def _operation_id(route, seen):
    base = route.rpc or route.handler.__name__
    if base in seen:
        base = f"{base}_{re.sub(r'[^a-z0-9]+', '_', route.path.lower()).strip('_')}"
    seen.add(base)
    return base


def _parameters(route):
    params = [{"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
              for name in re.findall(r"{(\w+)}", route.path)]
    if route.takes_idempotency_key:
        params.append(copy.deepcopy(IDEMPOTENCY_KEY))
    schema = query.schema_of(route.query)
    return params + (copy.deepcopy(list(query.parameters(schema))) if schema else [])


def _success(route):
    if route.produces == "none":
        return {"description": "Done; no content"}
    if route.produces == "redirect":
        return {"description": "Found: on to the target", "headers": {"Location": {
            "schema": {"type": "string"}, "description": "where to go"}}}
    kinds = {"csv": "text/csv", "html": "text/html", "gif": "image/gif"}
    if route.produces in kinds:
        schema = {"type": "string", **({"format": "binary"} if route.produces == "gif" else {})}
        return {"description": "OK", "content": {kinds[route.produces]: {"schema": schema}}}
    schema = _schema_ref(route.response_schema)
    if route.response_page:
        schema = {"type": "object", "required": ["items", "next_cursor"], "properties": {
            "items": {"type": "array", "items": schema},
            "next_cursor": {"type": ["string", "null"], "description": "Pass back as ?cursor"}}}
    elif route.response_many:
        schema = {"type": "array", "items": schema}
    response = {"description": "OK", "content": {"application/json": {"schema": schema}}}
    for media in route.alternates:          # text (CSV, SVG) or bytes (XLSX, PNG)
        text = media.startswith("text/") or media.endswith("+xml")
        response["content"][media] = {"schema": {"type": "string",
                                                 **({} if text else {"format": "binary"})}}
    if route.location:
        response["headers"] = {"Location": {"schema": {"type": "string"},
                                            "description": "URL of the new resource"}}
    return response


def _error_statuses(route):
    statuses = {500} | set(route.errors) | ({429} if route.limited else set())
    if route.service:
        statuses |= {503}
    if not route.public:
        statuses |= {401, 403}
    if "{" in route.path or route.method in ("POST", "PATCH", "DELETE"):
        statuses |= {404, 409}
    if route.body:
        statuses |= {400, 413, 415, 422}
    if route.takes_idempotency_key:
        statuses |= {400, 409, 422}
    if route.query or (route.service and route.args):
        statuses |= {422}
    return sorted(statuses)


def _operation(route, seen):
    operation = {
        "operationId": route.operation_id or _operation_id(route, seen),
        "summary": route.summary, "tags": [route.tag] if route.tag else [],
        "parameters": _parameters(route),
        "responses": {str(route.status): _success(route)},
    }
    for status in _error_statuses(route):
        operation["responses"][str(status)] = {"$ref": f"#/components/responses/{PROBLEMS[status]}"}
    operation["responses"]["414"] = {"$ref": "#/components/responses/UriTooLong"}
    for status, (text, schema) in route.responses.items():
        operation["responses"][str(status)] = {"description": text, "content": {
            "application/json": {"schema": _schema_ref(schema)}}}
    if route.public:
        operation["security"] = []
    if route.body in ("json", "form"):
        media = ("application/json",) + (("application/x-www-form-urlencoded",)
                                          if route.body == "form" else ())
        operation["requestBody"] = {"required": True, "content": {kind: {
            "schema": _schema_ref(route.body_schema or route.request_schema)} for kind in media}}
    elif route.body in ("csv", "csv_stream"):
        operation["requestBody"] = {"required": True, "content": {"text/csv": {
            "schema": {"type": "string", "minLength": 1,
                       "pattern": characters.pattern(multiline=True),
                       "description": "CSV with a header row; no control character but tab "
                                      "and line breaks"}}}}
    return operation


def build(routes, title="CRM API", version="1.0.0"):
    spec, _ = field_schemas.spec_with_plugin(
        title=title, version=version, info={"description": DESCRIPTION}, servers=[{"url": "/"}],
        security=[{"bearerAuth": []}, {"apiKeyAuth": []}])
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer",
                                                   "bearerFormat": "JWT"})
    spec.components.security_scheme("apiKeyAuth", {"type": "apiKey", "in": "header",
                                                   "name": "X-API-Key"})
    spec.components.schema("Problem", schema=Problem)
    # Answered by the HTTP server before any route (eventlet: more than 8 KB of URL), no body.
    spec.components.response("UriTooLong", {"description": "The URL is too long"})
    for status, name in PROBLEMS.items():
        response = {"description": name, "content": {"application/problem+json": {
            "schema": {"$ref": "#/components/schemas/Problem"}}}}
        if status in (409, 429, 503):        # 409: an Idempotency-Key still in progress
            response["headers"] = RETRY_AFTER
        spec.components.response(name, response)
    operations, seen = {}, set()
    for route in routes:
        if not route.hidden:
            operations.setdefault(route.path, {})[route.method.lower()] = _operation(route, seen)
    for url, ops in operations.items():
        spec.path(path=url, operations=ops)
    return _form_bodies(_partial_updates(spec.to_dict()))


def _partial_updates(doc):
    """A PATCH body is partial (the services load it with partial=True): its schema is the
    update schema without `required` at the top — a nested object (a deal's line) stays whole."""
    schemas = doc.get("components", {}).get("schemas", {})
    for operations in doc.get("paths", {}).values():
        body = operations.get("patch", {}).get("requestBody", {}).get("content", {}).get(
            "application/json", {})
        ref = body.get("schema", {}).get("$ref", "")
        name = ref.rsplit("/", 1)[-1]
        if name in schemas and schemas[name].get("required"):
            partial = {key: value for key, value in schemas[name].items() if key != "required"}
            schemas[f"{name}Partial"] = partial
            body["schema"] = {"$ref": f"#/components/schemas/{name}Partial"}
    return doc


FORM = "application/x-www-form-urlencoded"


def _form_field(prop):
    """A JSON body's property as an HTML form sends it: always a string (a form has no null,
    number or boolean), or empty — which the gateway reads as not given."""
    text = {key: value for key, value in prop.items() if key != "description"}
    text["type"] = "string"
    field = {"anyOf": [{"type": "string", "maxLength": 0}, text]}
    if "description" in prop:
        field["description"] = prop["description"]
    return field


def _form_bodies(doc):
    """A body taken as JSON or as an HTML form (route body "form") documents the form with
    its own schema, `<name>Form`: the same fields, each a string or empty (gateway/parsing.py
    parse_form_object)."""
    schemas = doc.get("components", {}).get("schemas", {})
    for operations in doc.get("paths", {}).values():
        for operation in operations.values():
            body = operation.get("requestBody", {}).get("content", {}).get(FORM)
            if not body:
                continue
            name = body.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
            if name not in schemas:
                continue
            schemas[f"{name}Form"] = {**schemas[name], "properties": {
                key: _form_field(prop) for key, prop in schemas[name]["properties"].items()},
                "description": "An HTML form's fields (UTF-8, percent-encoded): each a string; "
                               "one left empty counts as not given."}
            body["schema"] = {"$ref": f"#/components/schemas/{name}Form"}
    return doc


def document():
    """Built once per process (the routes and schemas do not change while it runs)."""
    if "doc" not in _cache:
        from gateway.routes import ROUTES
        _cache["doc"] = build(ROUTES)
    return _cache["doc"]
