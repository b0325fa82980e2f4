"""The web console (issue 16): a single page of plain ES modules and one style sheet, served
by the gateway from `gateway/console/static/` under /console/ — the same origin as /api/v1,
which is the only thing the page talks to.

No build step and nothing from elsewhere: every file the browser loads is in this folder, so the
console works offline and under a strict Content-Security-Policy (scripts from this origin only,
no inline script or style, connections to this origin only). Files are served by name from an
allow-list of folders and suffixes; nothing outside `static/` can be reached.

A language's catalogue is kept in parts, one per screen (`static/i18n/<language>/<screen>.json`),
so screens are added without touching each other's strings; the page loads one catalogue,
`/console/i18n/<language>.json`, which is the parts merged (a key in two parts is a mistake the
unit tests catch).

The access token lives in the page's memory only (never a cookie or web storage), and is sent
as `Authorization: Bearer`; a browser never attaches that by itself, so another site cannot make
a logged-in browser act (no CSRF), and a script injected elsewhere cannot read a stored token.
"""
import hashlib
import json
from pathlib import Path

from werkzeug.wrappers import Response

from gateway.problems import HttpProblem

STATIC = Path(__file__).parent / "static"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
FOLDERS = ("js", "css")
LANGUAGES = ("en", "zh-CN")
TYPES = {".js": "text/javascript; charset=utf-8", ".json": "application/json; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".html": "text/html; charset=utf-8"}


def _response(path):
    return _headers(Response(path.read_bytes(), status=200, content_type=TYPES[path.suffix]),
                    f"{path.stat().st_mtime_ns:x}-{path.stat().st_size:x}")


def _headers(response, etag):
    response.headers["Content-Security-Policy"] = CSP
    # Revalidated each load (ETag below): a restarted gateway with new files is seen at once.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.set_etag(etag)
    return response


def catalogue_parts(language):
    """The parts of one language's catalogue, in name order ([] for an unknown language)."""
    folder = STATIC / "i18n" / language
    return sorted(folder.glob("*.json")) if language in LANGUAGES and folder.is_dir() else []


def _catalogue(parts):
    merged = {}
    for part in parts:
        merged.update(json.loads(part.read_text(encoding="utf-8")))
    body = json.dumps(merged, ensure_ascii=False).encode("utf-8")
    # Changes when any part changes (or one is added or removed): revalidated like a file.
    etag = hashlib.sha256(b"".join(f"{part.name}:{part.stat().st_mtime_ns}:{part.stat().st_size};"
                                   .encode() for part in parts)).hexdigest()[:32]
    return _headers(Response(body, status=200, content_type=TYPES[".json"]), etag)


def _conditional(request, response):
    return response.make_conditional(request)


def page(gateway, request, call):
    """The console's one page; its routes are in the URL fragment (#/customers), so a reload
    or a shared link always lands here."""
    return 200, _conditional(request, _response(STATIC / "index.html"))


def asset(gateway, request, call):
    folder, name = call.path.get("folder"), call.path.get("name")
    if folder == "i18n" and name and name.endswith(".json"):
        parts = catalogue_parts(name.removesuffix(".json"))
        if parts:
            return 200, _conditional(request, _catalogue(parts))
    path = STATIC / folder / name
    if (folder not in FOLDERS or not name or name.startswith(".") or "/" in name
            or "\\" in name or path.suffix not in TYPES or not path.is_file()):
        raise HttpProblem(404, f"No console file {folder}/{name}.", "not_found")
    return 200, _conditional(request, _response(path))
