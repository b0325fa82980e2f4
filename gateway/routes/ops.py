"""Operational routes answered by the gateway itself: liveness, readiness, the API document."""
import eventlet

from gateway import docs_ui, openapi
from gateway.routing import Route
from gateway.schemas import Health, Ready
from gateway.settings import API_PREFIX as API
from services import registry
from services.chassis.errors import CrmError

READY_SERVICES = tuple(service.name for service in registry.behind_gateway())
TAG = "operations"

def health(gateway, request, call):
    """Liveness: the process answers HTTP. No RPC, so a broker outage does not restart us."""
    return 200, {"status": "ok"}


def ready(gateway, request, call):
    """Readiness: every service answers health() — asked in parallel, short deadline."""
    timeout = gateway.runtime.settings.ready_timeout

    def check(service):
        try:
            gateway.services.call(service, "health", timeout=timeout)
            return service, {"status": "ok"}
        except CrmError as exc:
            return service, {"status": "unavailable", "detail": exc.message}
        except Exception:
            return service, {"status": "unavailable", "detail": "health check failed"}

    pool = eventlet.GreenPool(len(READY_SERVICES))
    services = dict(pool.imap(check, READY_SERVICES))
    ok = all(entry["status"] == "ok" for entry in services.values())
    return (200 if ok else 503), {"status": "ok" if ok else "unavailable", "services": services}


def document(gateway, request, call):
    return 200, openapi.document()


def _op(method, url, handler, **options):
    return Route(method, url, handler=handler, public=True, tag=TAG, **options)


ROUTES = [
    _op("GET", "/health", health, response_schema=Health, limited=False,
        summary="Liveness (no dependencies)"),
    _op("GET", "/ready", ready, response_schema=Ready, limited=False,
        responses={503: ("Not ready; says which service is unavailable", Ready)},
        summary=f"Readiness: {', '.join(READY_SERVICES)} answer (503 otherwise)"),
    _op("GET", "/openapi.json", document, summary="This OpenAPI 3.1 document"),
    _op("GET", "/docs", docs_ui.page, produces="html",
        summary="Browsable API documentation (served locally; works offline)"),
    _op("GET", f"{docs_ui.ASSETS}/{{name}}", docs_ui.asset, hidden=True, limited=False),
    # Aliases under the API prefix, where clients often look first.
    _op("GET", f"{API}/openapi.json", document, hidden=True),
    _op("GET", f"{API}/docs", docs_ui.page, produces="html", hidden=True),
]
