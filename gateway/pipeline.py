"""One request, start to finish: route → CORS → authenticate → rate limit → parse → call →
respond. Every outcome, error or not, is a response here; nothing escapes to nameko."""
import logging

from werkzeug.wrappers import Response

from gateway import auth, parsing, problems, query
from gateway.http import json_response
from gateway.problems import HttpProblem
from gateway.routing import Call, resolve_schema
from services.chassis import idempotency
from services.chassis.errors import CrmError, Forbidden
from services.chassis.validation import load

log = logging.getLogger(__name__)

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8",
                 "gif": "image/gif"}


def handle(gateway, request):
    runtime = gateway.runtime
    matched = []                     # the route, once known: labels the metrics
    try:
        response = _process(gateway, request, matched)
    except Exception as exc:
        response, server_fault = problems.from_exception(
            exc, instance=request.path, call_id=runtime.call_id,
            write=request.method in idempotency.WRITE_METHODS)
        if not isinstance(exc, (CrmError, HttpProblem)):
            log.exception("unexpected error (call_id=%s) on %s %s",
                          runtime.call_id, request.method, request.path)
        elif server_fault:
            log.warning("%s %s → %s: %s (call_id=%s)", request.method, request.path,
                        response.status_code, getattr(exc, "message", exc), runtime.call_id)
    runtime.cors.decorate(request, response)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    gateway.metrics.http_response(matched[0].path if matched else "unmatched",
                                  response.status_code)
    return response


def _process(gateway, request, matched):
    runtime = gateway.runtime
    if request.method == "OPTIONS":
        return _options(runtime, request, matched)
    route, path_values = runtime.table.match(request.path, request.method)
    matched.append(route)
    principal = _authenticate(gateway, request, route)
    key = _idempotency_key(request, route)
    raw = []                         # the body's bytes, for the idempotency fingerprint
    call = Call(path=path_values, query=query.parse(request.args, route.query),
                body=_body(runtime.settings, request, route, raw), principal=principal)
    if route.handler is not None:
        status, payload = route.handler(gateway, request, call)
    else:
        args, kwargs = route.build_arguments(call)
        payload = gateway.services.call(route.service, route.rpc, *args,
                                        idempotency=_idempotency(request, key, raw), **kwargs)
        status = route.status
    return _render(route, status, payload)


def _options(runtime, request, matched):
    allowed = runtime.table.allowed_methods(request.path)
    if not allowed:
        raise HttpProblem(404, f"No route {request.path}.", "route_not_found")
    matched.append(runtime.table.match(request.path, allowed[0])[0])
    if runtime.cors.is_preflight(request) and runtime.cors.enabled:
        return runtime.cors.preflight(request, allowed)
    return Response(status=204, headers={"Allow": ", ".join(allowed + ["OPTIONS"])})


def _authenticate(gateway, request, route):
    runtime = gateway.runtime
    client = "ip:" + client_ip(request, runtime.settings.trusted_proxy_hops)
    if route.public:
        if route.limited:
            _spend(runtime, client)
        return None
    try:
        principal = auth.authenticate(request.headers, runtime.api_keys, gateway.lookup_api_key,
                                      runtime.token_states, gateway.lookup_token_state)
    except HttpProblem:
        _spend(runtime, client)       # guessing credentials spends the client's own budget
        raise
    _spend(runtime, "principal:" + principal.user_id)
    if route.roles and not principal.is_admin and principal.role not in route.roles:
        raise Forbidden(f"The role '{principal.role}' may not do this.")
    gateway.principal.set(principal)    # every RPC this worker makes now carries it
    return principal


def _spend(runtime, key):
    decision = runtime.limiter.take(key)
    if not decision.allowed:
        raise HttpProblem(429, "Too many requests; slow down and retry later.",
                          "rate_limited", headers={"Retry-After": decision.retry_after},
                          retry_after=decision.retry_after)


def client_ip(request, trusted_hops):
    """The client address; behind `trusted_hops` proxies, the one they recorded for it."""
    if trusted_hops > 0:
        forwarded = [part.strip() for part in
                     request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if len(forwarded) >= trusted_hops:
            return forwarded[-trusted_hops]
    return request.remote_addr or "unknown"


def _idempotency_key(request, route):
    """The request's Idempotency-Key (400 if malformed), None if absent or not honoured here."""
    if not route.takes_idempotency_key:
        return None
    return idempotency.parse_key(request.headers.get(idempotency.HEADER))


def request_target(request):
    """The path and query string, as the idempotency fingerprint takes them."""
    return request.path + ("?" + request.query_string.decode("latin-1")
                           if request.query_string else "")


def _idempotency(request, key, raw):
    if key is None:
        return None
    return idempotency.Idempotency(
        key, idempotency.request_fingerprint(request.method, request_target(request), b"".join(raw)))


def _body(settings, request, route, raw):
    if route.body == "json":
        parsing.check_declared_length(request, settings.max_body_bytes)
        parsing.require_media_type(request, "application/json")
        raw.append(parsing.read_body(request, settings.max_body_bytes))
        body = parsing.parse_json_object(raw[-1])
        schema = resolve_schema(route.body_schema)
        return load(schema, body) if schema else body
    if route.body == "form":                # JSON, or an HTML form's fields as its object
        parsing.check_declared_length(request, settings.max_body_bytes)
        parsing.require_media_type(request, "application/json", parsing.FORM)
        raw.append(parsing.read_body(request, settings.max_body_bytes))
        if parsing.media_type(request) == parsing.FORM:
            return parsing.parse_form_object(raw[-1])
        return parsing.parse_json_object(raw[-1])
    if route.body == "csv":
        parsing.check_declared_length(request, settings.import_max_bytes)
        parsing.require_media_type(request, "text/csv")
        raw.append(parsing.read_body(request, settings.import_max_bytes))
        return parsing.decode_text(raw[-1])
    if route.body == "csv_stream":          # the route's handler reads it (gateway/imports.py)
        parsing.check_declared_length(request, settings.import_max_bytes)
        parsing.require_media_type(request, "text/csv")
        return None
    # No body expected: refuse a large one rather than let the server drain it.
    parsing.check_declared_length(request, settings.max_body_bytes)
    return None


def _render(route, status, payload):
    if isinstance(payload, Response):       # a handler that sets its own headers (/docs)
        return payload
    if route.produces == "none" or status == 204:
        return Response(status=204)
    if route.produces in CONTENT_TYPES:
        meta = payload if isinstance(payload, dict) else {}
        response = Response(meta.get("csv", payload), status=status,
                            content_type=CONTENT_TYPES[route.produces])
        if route.produces == "csv":
            response.headers["Content-Disposition"] = 'attachment; filename="export.csv"'
        if meta:     # an export that hit its row cap says so instead of looking complete
            response.headers["X-Export-Rows"] = str(meta["rows"])
            response.headers["X-Export-Truncated"] = "true" if meta["truncated"] else "false"
    else:
        response = json_response(status, payload)
    if route.location and isinstance(payload, dict) and payload.get("id") is not None:
        response.headers["Location"] = route.location.format(id=payload["id"])
    if route.service:
        response.headers["Cache-Control"] = "no-store"     # tokens and personal data
    return response
