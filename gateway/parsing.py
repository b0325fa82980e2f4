"""Reading a request safely: size limits, content types, JSON and CSV bodies, query params.

The body is read straight from the WSGI input (eventlet de-chunks it; werkzeug's `stream`
would return nothing for a chunked request). The limit is checked on Content-Length before
reading and again while reading, so neither a lying header nor a chunked stream gets past it.
"""
import json

from gateway.problems import HttpProblem

READ_CHUNK = 64 * 1024


def _refuse_to_drain():
    # eventlet drains an unread body to keep the connection alive; for an oversized body we
    # would rather close it. Raising OSError here makes eventlet close instead of reading on.
    raise OSError("oversized request body not drained")


def too_large(environ, limit):
    wsgi_input = environ.get("wsgi.input")
    if wsgi_input is not None:
        try:
            wsgi_input.discard = lambda *args, **kwargs: _refuse_to_drain()
        except AttributeError:
            pass
    return HttpProblem(413, f"The request body exceeds the limit of {limit} bytes.",
                       "payload_too_large", headers={"Connection": "close"}, limit=limit)


def check_declared_length(request, limit):
    length = request.headers.get("Content-Length")
    if length is None:
        return
    try:
        declared = int(length)
    except ValueError:
        raise HttpProblem(400, "The Content-Length header is not a number.")
    if declared > limit:
        raise too_large(request.environ, limit)


def read_body(request, limit):
    """The raw body, at most `limit` bytes, or 413."""
    check_declared_length(request, limit)
    stream = request.environ["wsgi.input"]
    chunks, size = [], 0
    while True:
        chunk = stream.read(min(READ_CHUNK, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise too_large(request.environ, limit)
    return b"".join(chunks)


def media_type(request):
    return (request.mimetype or "").lower()


def require_media_type(request, *accepted):
    kind = media_type(request)
    if kind in accepted or ("application/json" in accepted and kind.endswith("+json")):
        return                      # e.g. application/merge-patch+json for a PATCH
    raise HttpProblem(415, f"The request body must be {' or '.join(accepted)} (got "
                           f"{kind or 'no Content-Type'}).", "unsupported_media_type",
                      accepted=list(accepted))


def parse_json_object(raw):
    """A JSON object, or 400 (not JSON at all) / 422 (JSON, but not an object)."""
    if not raw.strip():
        raise HttpProblem(400, "The request body is empty; a JSON object is expected.")
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise HttpProblem(400, f"The request body is not valid JSON: {exc}.", "malformed_json")
    if not isinstance(value, dict):
        raise HttpProblem(422, "The request body must be a JSON object.", "invalid",
                          errors={"_schema": ["Expected a JSON object."]})
    return value


def decode_text(raw):
    if not raw.strip():
        raise HttpProblem(400, "The request body is empty.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HttpProblem(400, "The request body is not valid UTF-8.", "malformed_text")


# --- query parameters -----------------------------------------------------------------------

def _as_int(name, text):
    try:
        return int(text)
    except ValueError:
        raise HttpProblem(422, f"Query parameter '{name}' must be an integer.", "invalid",
                          errors={name: ["Not a valid integer."]})


def _as_bool(name, text):
    lowered = text.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise HttpProblem(422, f"Query parameter '{name}' must be true or false.", "invalid",
                      errors={name: ["Not a valid boolean."]})


def _as_list(name, values):
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def parse_query(args, spec):
    """werkzeug MultiDict → {name: typed value} for the names in `spec` ({name: type}).

    Types: "str", "int", "bool", "list" (comma-separated and/or repeated). An unknown
    parameter is a 422, as an unknown body field is for the services.
    """
    unknown = sorted(set(args) - set(spec))
    if unknown:
        raise HttpProblem(422, "Unknown query parameter(s): " + ", ".join(unknown) + ".",
                          "invalid", errors={name: ["Unknown parameter."] for name in unknown})
    query = {}
    for name, kind in spec.items():
        if name not in args:
            continue
        if kind == "list":
            query[name] = _as_list(name, args.getlist(name))
            continue
        text = args.get(name)
        query[name] = {"int": _as_int, "bool": _as_bool}.get(kind, lambda _n, t: t)(name, text)
    return query
