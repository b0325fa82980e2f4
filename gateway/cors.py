"""CORS for browser clients: CORS_ORIGINS is a comma list of allowed origins ("*" = any);
empty turns CORS off (no CORS headers at all). Credentials are bearer tokens and API keys in
headers, never cookies, so Access-Control-Allow-Credentials is not sent."""
from werkzeug.wrappers import Response

from gateway.problems import HttpProblem

ALLOWED_HEADERS = ("Authorization", "Content-Type", "X-API-Key", "Accept")
EXPOSED_HEADERS = ("Location", "Retry-After", "WWW-Authenticate", "Content-Disposition")


class Cors:
    def __init__(self, origins, max_age=600):
        self.origins = tuple(origins)
        self.max_age = max_age

    @property
    def enabled(self):
        return bool(self.origins)

    def allow(self, origin):
        """The Access-Control-Allow-Origin value for `origin`, or None."""
        if not self.enabled or not origin:
            return None
        if "*" in self.origins:
            return "*"
        return origin if origin in self.origins else None

    @staticmethod
    def is_preflight(request):
        return (request.method == "OPTIONS" and "Origin" in request.headers
                and "Access-Control-Request-Method" in request.headers)

    def preflight(self, request, allowed_methods):
        """204 with the CORS grants, or 403 for an origin that is not allowed."""
        origin = request.headers.get("Origin")
        allowed_origin = self.allow(origin)
        if allowed_origin is None:
            raise HttpProblem(403, f"Origin {origin} is not allowed.", "cors_origin_not_allowed")
        wanted = request.headers.get("Access-Control-Request-Method", "").upper()
        if wanted not in allowed_methods:
            raise HttpProblem(405, f"{wanted} is not allowed here.", "method_not_allowed",
                              headers={"Allow": ", ".join(allowed_methods)})
        response = Response(status=204)
        response.headers["Access-Control-Allow-Origin"] = allowed_origin
        response.headers["Access-Control-Allow-Methods"] = ", ".join(allowed_methods)
        response.headers["Access-Control-Allow-Headers"] = ", ".join(ALLOWED_HEADERS)
        response.headers["Access-Control-Max-Age"] = str(self.max_age)
        response.headers["Vary"] = "Origin"
        return response

    def decorate(self, request, response):
        """Add the CORS headers to an actual (non-preflight) response."""
        allowed_origin = self.allow(request.headers.get("Origin"))
        if allowed_origin is not None:
            response.headers["Access-Control-Allow-Origin"] = allowed_origin
            response.headers["Access-Control-Expose-Headers"] = ", ".join(EXPOSED_HEADERS)
        if self.enabled:
            response.vary.add("Origin")
        return response
