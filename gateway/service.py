"""The gateway: one external REST API (/api/v1) in front of the services.

    nameko run --config config.yml gateway.service      # WEB_SERVER_ADDRESS: host:port

It holds no business logic: authenticate, authorise coarsely, check the request's shape, call
a service with a deadline, shape the response (gateway/pipeline.py; routes in gateway/routes/).
"""
from nameko.events import BROADCAST, event_handler
from nameko.extensions import DependencyProvider

from gateway import pipeline
from gateway.auth import ApiKeyCache
from gateway.cors import Cors
from gateway.http import ALL_METHODS, api
from gateway.ratelimit import RateLimiter
from gateway.revocation import TokenStates
from gateway.routes import ROUTES
from gateway.routing import RouteTable
from gateway.settings import GatewaySettings
from services.chassis import settings as chassis_settings
from services.chassis.auth import CurrentPrincipal
from services.chassis.heap import ServiceHeap
from services.chassis.metrics import Metrics
from services.chassis.rpc import ServiceRpc
from services.identity.events import USER_TOKENS_REVOKED


class Runtime(DependencyProvider):
    """Process-wide state (settings, route table, rate buckets, API-key cache, users' token
    versions), read at start."""

    def setup(self):
        chassis_settings.jwt_secret()        # no secret, no start: fail now, not per request
        self.settings = GatewaySettings.from_env()
        self.table = RouteTable(ROUTES)
        self.limiter = RateLimiter(self.settings.rate_per_minute, self.settings.rate_burst,
                                   storage_url=self.settings.rate_limit_storage_url)
        self.api_keys = ApiKeyCache(self.settings.api_key_cache_seconds)
        self.token_states = TokenStates(self.settings.token_state_cache_seconds)
        self.cors = Cors(self.settings.cors_origins, self.settings.cors_max_age)

    def get_dependency(self, worker_ctx):
        return WorkerRuntime(self, worker_ctx.call_id)


class WorkerRuntime:
    def __init__(self, runtime, call_id):
        self._runtime = runtime
        self.call_id = call_id

    def __getattr__(self, name):
        return getattr(self._runtime, name)


class GatewayService:
    name = "gateway"

    metrics = Metrics()
    principal = CurrentPrincipal()
    services = ServiceRpc()
    runtime = Runtime()
    heap = ServiceHeap()             # the garbage collector tuned once the process has started

    @api(ALL_METHODS, "/")
    @api(ALL_METHODS, "/<path:path>")
    def dispatch(self, request, path=""):
        return pipeline.handle(self, request)

    def lookup_api_key(self, key):
        return self.services.call("identity", "authenticate_api_key", key)

    def lookup_token_state(self, user_id):
        return self.services.call("identity", "get_token_state", user_id)

    # Every replica its own queue (BROADCAST), gone with the process (not reliable): a replica
    # started later, or one that missed events while disconnected, asks identity instead.
    @event_handler("identity", USER_TOKENS_REVOKED, handler_type=BROADCAST,
                   reliable_delivery=False)
    def on_tokens_revoked(self, envelope):
        self.runtime.token_states.learn_event(envelope)
