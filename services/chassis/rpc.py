"""RPC to any service, always with a deadline.

nameko 2.x `RpcProxy` calls wait forever. Here every call has a timeout; a missing or silent
service raises `ServiceUnavailable` (HTTP 503) quickly. The request message carries the same
expiration, so a service that comes back does not execute requests nobody waits for any more.
"""
import eventlet
from nameko.exceptions import UnknownService
from nameko.extensions import DependencyProvider
from nameko.rpc import ReplyListener, ServiceProxy

from services.chassis import settings
from services.chassis.errors import CrmError


class ServiceUnavailable(CrmError):
    http_status = 503
    code = "service_unavailable"


class ServiceCaller:
    def __init__(self, worker_ctx, reply_listener):
        self._worker_ctx = worker_ctx
        self._reply_listener = reply_listener

    def call(self, service, method, *args, timeout=None, **kwargs):
        timeout = settings.rpc_timeout() if timeout is None else timeout
        proxy = ServiceProxy(self._worker_ctx, service, self._reply_listener, expiration=timeout)
        try:
            with eventlet.Timeout(timeout):
                return getattr(proxy, method)(*args, **kwargs)
        except eventlet.Timeout:
            raise ServiceUnavailable(f"The {service} service did not answer within {timeout:g}s.",
                                     {"service": service})
        except UnknownService:
            raise ServiceUnavailable(f"The {service} service is not running.", {"service": service})
        except (ConnectionError, OSError) as exc:
            raise ServiceUnavailable(f"The message broker is unreachable ({exc.__class__.__name__}).",
                                     {"service": service})

    def call_async(self, service, method, *args, **kwargs):
        """Start a call; `.result()` on the reply. Use with `gather` to fan out in parallel."""
        proxy = ServiceProxy(self._worker_ctx, service, self._reply_listener,
                             expiration=settings.rpc_timeout())
        return getattr(proxy, method).call_async(*args, **kwargs)


class ServiceRpc(DependencyProvider):
    """`self.services.call("customers", "get_customer", id)` — one reply queue for all targets."""
    reply_listener = ReplyListener()

    def get_dependency(self, worker_ctx):
        return ServiceCaller(worker_ctx, self.reply_listener)
