"""Reading a request safely: size limits, content types, JSON, HTML form and CSV bodies (query
strings: gateway/query.py).

A JSON body is refused before any service sees it (400) when it is not text — invalid UTF-8, or
a lone surrogate such as "\\ud800", which no service could store or send on — or when it nests
deeper than MAX_DEPTH (the parser and every walk over the value would recurse that deep). What
a string may hold is the services' rule (services/chassis/characters.py, 422 per field).

The body is read straight from the WSGI input (eventlet de-chunks it; werkzeug's `stream`
would return nothing for a chunked request). The limit is checked on Content-Length before
reading and again while reading, so neither a lying header nor a chunked stream gets past it.
"""
import json
from decimal import Decimal
from urllib.parse import parse_qsl

from gateway.problems import HttpProblem
from services.chassis import characters

READ_CHUNK = 64 * 1024
MAX_EXACT_INTEGER = 2 ** 53          # beyond it, 1e300 would become a 300-digit integer
MAX_DEPTH = 32                       # objects and arrays inside each other; ours nest 3 deep
MAX_FORM_FIELDS = 100                # an HTML form's fields; ours have fewer than ten
FORM = "application/x-www-form-urlencoded"


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


def _number(text):
    """A JSON number with a fraction or exponent: an integral one is an integer (JSON and the
    document's `type: integer` do not tell 52.0 from 52; the services' integer fields do).
    Anything else stays a float, which the services' money fields refuse on purpose."""
    value = Decimal(text)
    if value == value.to_integral_value() and abs(value) < MAX_EXACT_INTEGER:
        return int(value)
    return float(text)


def parse_json_object(raw):
    """A JSON object, or 400 (not JSON at all) / 422 (JSON, but not an object)."""
    if not raw.strip():
        raise HttpProblem(400, "The request body is empty; a JSON object is expected.")
    try:
        value = json.loads(raw.decode("utf-8"), parse_float=_number)
    except RecursionError:              # thousands of [[[[: the parser's own stack ran out
        raise _too_deep()
    except (UnicodeDecodeError, ValueError) as exc:
        raise HttpProblem(400, f"The request body is not valid JSON: {exc}.", "malformed_json")
    check_tree(value)
    if not isinstance(value, dict):
        raise HttpProblem(422, "The request body must be a JSON object.", "invalid",
                          errors={"_schema": ["Expected a JSON object."]})
    return value


def parse_form_object(raw):
    """An HTML form's body (application/x-www-form-urlencoded, UTF-8 as a page in UTF-8 posts
    it) as the object its JSON twin would be: each field a string. A field left empty is
    absent — a browser posts every input, filled in or not, so `email=&phone=+49…` means no
    email, and the hidden honeypot arrives empty. 400 when it is not a form in UTF-8 or has
    more than MAX_FORM_FIELDS fields; 422 for a field given twice (ours take one value)."""
    if not raw.strip():
        raise HttpProblem(400, "The request body is empty; form fields are expected.")
    try:
        pairs = parse_qsl(raw.decode("ascii"), keep_blank_values=True,
                          encoding="utf-8", errors="strict", max_num_fields=MAX_FORM_FIELDS)
    except UnicodeDecodeError:
        raise HttpProblem(400, "The form is not valid: percent-encode it as UTF-8.",
                          "malformed_form")
    except ValueError as exc:
        raise HttpProblem(400, f"The form is not valid: {exc}.", "malformed_form")
    found, twice = {}, {}
    for name, value in pairs:
        if name in found:
            twice[name] = ["Give this field once."]
        found[name] = value
    if twice:
        raise HttpProblem(422, "The request is not valid.", "invalid", errors=twice)
    return {name: value for name, value in found.items() if value != ""}


def _too_deep():
    return HttpProblem(400, f"The request body nests objects and arrays more than {MAX_DEPTH} "
                            "levels deep.", "nesting_too_deep", limit=MAX_DEPTH)


def check_tree(value):
    """400 for a value nested deeper than MAX_DEPTH or holding a lone surrogate (in a key or a
    string), naming where. Walked with a list, not recursion."""
    pending = [(value, 0, "")]
    while pending:
        node, depth, where = pending.pop()
        if isinstance(node, str):
            if characters.has_surrogate(node):
                raise HttpProblem(400, f"The request body is not valid Unicode: a lone surrogate "
                                       f"in {where or 'the body'}.", "invalid_unicode",
                                  field=where or None)
            continue
        if isinstance(node, (dict, list)) and depth >= MAX_DEPTH:
            raise _too_deep()
        if isinstance(node, dict):
            for key, item in node.items():
                inside = f"{where}.{key}" if where else str(key)
                if characters.has_surrogate(key):
                    raise HttpProblem(400, "The request body is not valid Unicode: a lone "
                                           "surrogate in a field name.", "invalid_unicode")
                pending.append((item, depth + 1, inside))
        elif isinstance(node, list):
            pending.extend((item, depth + 1, f"{where}[{index}]")
                           for index, item in enumerate(node))


def decode_text(raw):
    if not raw.strip():
        raise HttpProblem(400, "The request body is empty.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HttpProblem(400, "The request body is not valid UTF-8.", "malformed_text")

