"""nameko's @http entrypoint, with problem+json where nameko would answer plain text.

The gateway registers one catch-all entrypoint and routes with its own table, so 404, 405 and
OPTIONS are decided there. What is left to nameko's web server — a method outside the catch-all,
or an exception escaping the worker — is rendered here as problem+json too, never as nameko's
"Error: <type>: <message>" text (which would leak internals).
"""
import json
import logging
import socket

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from gateway.problems import problem_response

log = logging.getLogger(__name__)

ALL_METHODS = "GET,HEAD,POST,PUT,PATCH,DELETE,OPTIONS"


class ProblemWsgiApp(WsgiApp):
    def __call__(self, environ, start_response):
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
            request.path_values = values
            response = provider.handle_request(request)
        except HTTPException as exc:
            if exc.code and exc.code < 400:          # a routing redirect is not an error
                return exc(environ, start_response)
            headers = {"Allow": ", ".join(exc.valid_methods)} if getattr(
                exc, "valid_methods", None) else None
            response = problem_response(exc.code or 400, exc.description or exc.name,
                                        headers=headers, instance=request.path)
        return response(environ, start_response)


class GatewayWebServer(WebServer):
    """Its own shared extension (keyed by type), so only the gateway's listener is bound."""

    def get_wsgi_app(self):
        return ProblemWsgiApp(self)

    def process_request(self, sock, address):
        # Nagle's algorithm off. eventlet's wsgi writes a response bigger than its 16 KiB write
        # buffer in two sends; with Nagle on, the second waits for the client's ACK of the
        # first, which the client — waiting for the rest — delays by 40 ms (Linux's delayed
        # ACK). A 20 KB answer took 46 ms instead of 5 (bench/FINDINGS.md): every list page
        # of 25 customers paid it.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().process_request(sock, address)


class GatewayHttp(HttpRequestHandler):
    server = GatewayWebServer()

    def response_from_exception(self, exc):
        log.error("unhandled error in the gateway entrypoint", exc_info=exc)
        return problem_response(500, "An unexpected error occurred.", "internal_error")


api = GatewayHttp.decorator


def json_response(status, payload, headers=None, content_type="application/json"):
    response = Response(json.dumps(payload, ensure_ascii=False), status=status,
                        content_type=content_type)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
