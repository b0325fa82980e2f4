"""RPC to any service, always with a deadline; requests and replies published without confirms.

nameko 2.x `RpcProxy` calls wait forever. Here every call has a timeout; a missing or silent
service raises `ServiceUnavailable` (HTTP 503) quickly. The request message carries the same
expiration, so a service that comes back does not execute requests nobody waits for any more.

Publisher confirms. nameko publishes every RPC request *and* reply with a confirm: a broker round
trip before `publish` returns, the largest single cost of a hop (bench/FINDINGS.md §2: the bare
hop goes from 140 to 256 req/s without it). RPCs are not the durable path: the caller's deadline
already covers a lost request or a lost reply (it becomes the same 503 as a silent service, and
the caller may retry), and nothing is "sent" by an RPC that must survive a broker crash — events
are, and they keep confirms and the outbox (services/chassis/outbox.py). So:
- replies: `rpc` below (use it instead of `nameko.rpc.rpc`) answers without a confirm;
- requests: unconfirmed too, except for a confirmed *route check* (confirm + `mandatory`) on the
  first call to a service and again every ROUTE_CHECK_SECONDS: only a confirmed publish can see
  the broker's basic.return, and that is what turns a service that never ran into a fast 503
  instead of a wait for the whole deadline. nameko's RPC queues are durable, so once a service
  has been routable it stays so (a stopped service's requests queue up and expire: the deadline).
"""
import time

import eventlet
from nameko.amqp.publish import Publisher
from nameko.exceptions import UnknownService
from nameko.extensions import DependencyProvider
from nameko.rpc import (AMQP_SSL_CONFIG_KEY, AMQP_URI_CONFIG_KEY, DEFAULT_SERIALIZER,
                        LOGIN_METHOD_CONFIG_KEY, SERIALIZER_CONFIG_KEY, MethodProxy, ReplyListener,
                        Responder, Rpc, RpcConsumer, get_rpc_exchange)

from services.chassis import settings
from services.chassis.errors import CrmError
from services.chassis.logs import quiet_client_errors

quiet_client_errors()       # a 4xx raised by an entrypoint is logged at INFO, without a traceback

ROUTE_CHECK_SECONDS = 5.0


class ServiceUnavailable(CrmError):
    http_status = 503
    code = "service_unavailable"


# --- publishing without confirms ------------------------------------------------------------
class RpcPublisher(Publisher):
    """Not confirmed unless asked (`use_confirms=True`: the route check)."""
    use_confirms = False

    def publish(self, payload, **kwargs):
        if not kwargs.get("use_confirms", self.use_confirms):
            # Without a confirm nothing waits for a basic.return, and py-amqp raises an unhandled
            # one on whichever later publish reuses the pooled channel: never ask for it then.
            kwargs["mandatory"] = False
        return super().publish(payload, **kwargs)


class _MethodProxy(MethodProxy):
    publisher_cls = RpcPublisher


class _Responder(Responder):
    publisher_cls = RpcPublisher


class _RpcConsumer(RpcConsumer):
    """nameko's consumer, replying through `_Responder` (nameko builds its Responder inline)."""

    @property
    def sharing_key(self):
        # One consumer per container on the `rpc-<service>` queue, whether an entrypoint was
        # declared with this module's `rpc` or still with nameko's: two would split the queue's
        # messages between them and each would answer MethodNotFound for the other's methods.
        return RpcConsumer

    def handle_result(self, message, result, exc_info):
        config = self.container.config
        responder = _Responder(
            config[AMQP_URI_CONFIG_KEY], get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER), message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY), login_method=config.get(LOGIN_METHOD_CONFIG_KEY))
        result, exc_info = responder.send_response(result, exc_info)
        self.queue_consumer.ack_message(message)
        return result, exc_info


class ServiceRpcEntrypoint(Rpc):
    rpc_consumer = _RpcConsumer()


rpc = ServiceRpcEntrypoint.decorator


# --- calling ----------------------------------------------------------------------------------
class Routes:
    """When each target service was last seen routable by a confirmed publish (per process)."""

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._checked = {}

    def needs_check(self, service):
        checked = self._checked.get(service)
        return checked is None or self._clock() - checked >= ROUTE_CHECK_SECONDS

    def routable(self, service):
        self._checked[service] = self._clock()


class ServiceCaller:
    def __init__(self, worker_ctx, reply_listener, routes):
        self._worker_ctx = worker_ctx
        self._reply_listener = reply_listener
        self._routes = routes

    def _start(self, service, method, args, kwargs, timeout):
        check = self._routes.needs_check(service)
        proxy = _MethodProxy(self._worker_ctx, service, method, self._reply_listener,
                             expiration=timeout, use_confirms=check)
        if not check:
            return proxy.call_async(*args, **kwargs)
        try:            # confirmed, and nameko publishes requests `mandatory`: unroutable raises
            reply = proxy.call_async(*args, **kwargs)
        except UnknownService:
            raise ServiceUnavailable(f"The {service} service is not running.", {"service": service})
        self._routes.routable(service)
        return reply

    def call(self, service, method, *args, timeout=None, **kwargs):
        timeout = settings.rpc_timeout() if timeout is None else timeout
        try:
            with eventlet.Timeout(timeout):
                return self._start(service, method, args, kwargs, timeout).result()
        except eventlet.Timeout:
            raise ServiceUnavailable(f"The {service} service did not answer within {timeout:g}s.",
                                     {"service": service})
        except (ConnectionError, OSError) as exc:
            raise ServiceUnavailable(f"The message broker is unreachable ({exc.__class__.__name__}).",
                                     {"service": service})

    def call_async(self, service, method, *args, **kwargs):
        """Start a call; `.result()` on the reply. Use with `gather` to fan out in parallel."""
        return self._start(service, method, args, kwargs, settings.rpc_timeout())


class ServiceRpc(DependencyProvider):
    """`self.services.call("customers", "get_customer", id)` — one reply queue for all targets."""
    reply_listener = ReplyListener()

    def setup(self):
        self.routes = Routes()

    def get_dependency(self, worker_ctx):
        return ServiceCaller(worker_ctx, self.reply_listener, self.routes)
