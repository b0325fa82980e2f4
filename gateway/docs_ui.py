"""The browsable API documentation at /docs, served entirely by the gateway: it works with no
internet access and under a strict Content-Security-Policy (nothing but this origin).

Swagger UI's own files come from the pinned PyPI package `swagger-ui-py` (its `static/`
folder: swagger-ui 5, Apache-2.0, the licence text beside them). Only the few files the page
uses are served, by name; the page's start-up script is ours (no inline script, so the policy
needs no 'unsafe-inline').
"""
import functools
import importlib.util
from pathlib import Path

from werkzeug.wrappers import Response

from gateway.problems import HttpProblem

ASSETS = "/docs/assets"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
       "frame-ancestors 'none'")
PACKAGED = {"swagger-ui.css": "text/css; charset=utf-8",
            "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
            "favicon-32x32.png": "image/png",
            "LICENSE": "text/plain; charset=utf-8"}

START = """window.addEventListener("load", function () {
  // validatorUrl null: no badge fetched from the public validator (no request leaves the site)
  window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
                              validatorUrl: null});
});
"""

PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CRM API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" type="image/png" href="{ASSETS}/favicon-32x32.png">
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head><body><div id="swagger-ui"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="{ASSETS}/start.js"></script>
<noscript>The interactive documentation needs JavaScript; the document is at /openapi.json.</noscript>
</body></html>
"""


@functools.cache
def static_dir():
    """swagger-ui-py's static folder, found without importing the package (its __init__
    wires web frameworks we do not use)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed (pyproject.toml pins it)")
    return Path(list(spec.submodule_search_locations)[0]) / "static"


@functools.cache
def _read(name):
    return (static_dir() / name).read_bytes()


def _response(body, content_type, cache):
    response = Response(body, status=200, content_type=content_type)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = cache
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def page(gateway, request, call):
    return 200, _response(PAGE, "text/html; charset=utf-8", "no-cache")


def asset(gateway, request, call):
    name = call.path.get("name")
    if name == "start.js":
        return 200, _response(START, "text/javascript; charset=utf-8", "no-cache")
    if name not in PACKAGED:
        raise HttpProblem(404, f"No documentation asset {name}.", "not_found")
    # Versioned by the package pin: a day in a cache is safe, an upgrade is a restart.
    return 200, _response(_read(name), PACKAGED[name], "public, max-age=86400")
