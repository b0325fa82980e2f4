"""The web console (issue 16): a single page of plain ES modules and one style sheet, served
by the gateway from `gateway/console/static/` under /console/ — the same origin as /api/v1,
which is the only thing the page talks to.

No build step and nothing from elsewhere: every file the browser loads is in this folder, so the
console works offline and under a strict Content-Security-Policy (scripts from this origin only,
no inline script or style, connections to this origin only). Files are served by name from an
allow-list of folders and suffixes; nothing outside `static/` can be reached.

The access token lives in the page's memory only (never a cookie or web storage), and is sent
as `Authorization: Bearer`; a browser never attaches that by itself, so another site cannot make
a logged-in browser act (no CSRF), and a script injected elsewhere cannot read a stored token.
"""
from pathlib import Path

from werkzeug.wrappers import Response

from gateway.problems import HttpProblem

STATIC = Path(__file__).parent / "static"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
FOLDERS = ("js", "i18n", "css")
TYPES = {".js": "text/javascript; charset=utf-8", ".json": "application/json; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".html": "text/html; charset=utf-8"}


def _response(path):
    response = Response(path.read_bytes(), status=200, content_type=TYPES[path.suffix])
    response.headers["Content-Security-Policy"] = CSP
    # Revalidated each load (ETag below): a restarted gateway with new files is seen at once.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.set_etag(f"{path.stat().st_mtime_ns:x}-{path.stat().st_size:x}")
    return response


def _conditional(request, response):
    return response.make_conditional(request)


def page(gateway, request, call):
    """The console's one page; its routes are in the URL fragment (#/customers), so a reload
    or a shared link always lands here."""
    return 200, _conditional(request, _response(STATIC / "index.html"))


def asset(gateway, request, call):
    folder, name = call.path.get("folder"), call.path.get("name")
    path = STATIC / folder / name
    if (folder not in FOLDERS or not name or name.startswith(".") or "/" in name
            or "\\" in name or path.suffix not in TYPES or not path.is_file()):
        raise HttpProblem(404, f"No console file {folder}/{name}.", "not_found")
    return 200, _conditional(request, _response(path))
