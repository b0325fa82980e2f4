"""RPC to any service, always with a deadline; requests and replies published without confirms.

nameko 2.x `RpcProxy` calls wait forever. Here every call has a timeout; a missing or silent
service raises `ServiceUnavailable` (HTTP 503) quickly. The request message carries the same
expiration, so a service that comes back does not execute requests nobody waits for any more.

The deadline also travels in the context data (`deadline`, absolute, epoch seconds; the earlier
of the caller's own and the one it was called with), and the chassis entrypoint refuses to
start a method whose deadline has passed: the broker expires only messages still in its queue,
not those already delivered to a paused, busy or slow consumer. The refusal is an answer nobody
reads (`DeadlineExceeded`); nothing runs. Clocks of the hosts must agree (NTP) to the second.

The entrypoint also runs a method called with an Idempotency-Key under its guard
(services/chassis/idempotency.py); the key and fingerprint travel with one call only, never on
to the calls the method makes in turn.

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
import functools
import logging
import sys
import time

import eventlet
import kombu.exceptions
import kombu.serialization
import sqlalchemy.exc
from nameko.amqp.publish import Publisher
from nameko.containers import WorkerContext
from nameko.exceptions import UnknownService, UnserializableValueError, serialize
from nameko.extensions import DependencyProvider
from nameko.rpc import (AMQP_SSL_CONFIG_KEY, AMQP_URI_CONFIG_KEY, DEFAULT_SERIALIZER,
                        LOGIN_METHOD_CONFIG_KEY, SERIALIZER_CONFIG_KEY, MethodProxy, ReplyListener,
                        Responder, Rpc, RpcConsumer, get_rpc_exchange)

from services.chassis import idempotency, queues, settings
from services.chassis.db import DatabaseAccess
from services.chassis.errors import CrmError
from services.chassis.logs import quiet_client_errors

log = logging.getLogger(__name__)
quiet_client_errors()       # a 4xx raised by an entrypoint is logged at INFO, without a traceback

ROUTE_CHECK_SECONDS = 5.0
REPLY_ERRORS = (kombu.exceptions.OperationalError, ConnectionError, OSError)   # broker gone
DEADLINE_CONTEXT = "deadline"
CALL_ONLY = (idempotency.KEY_CONTEXT, idempotency.FINGERPRINT_CONTEXT)   # never passed on
wall_clock = time.time      # deadlines cross processes: wall-clock time, not monotonic


class ServiceUnavailable(CrmError):
    http_status = 503
    code = "service_unavailable"


class DeadlineExceeded(ServiceUnavailable):
    """The caller had stopped waiting before the work could start; nothing was done."""
    code = "deadline_exceeded"


class DatabaseUnavailable(ServiceUnavailable):
    """The service's database went away (restart, crash, network): an outage, not a bug — a
    503 the client may retry (a write with its Idempotency-Key: the commit may have happened)."""


class DatabaseBusy(ServiceUnavailable):
    """The database gave this call up to a conflicting transaction: PostgreSQL chose it as a
    deadlock's victim or could not serialise it, or SQLite's write lock stayed taken past its
    busy timeout. Its transaction was rolled back, the database is fine: a 503 the client may
    retry (with the write's Idempotency-Key, a retry cannot apply it twice)."""
    code = "database_busy"


DATABASE_DOWN = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError)
# SQLSTATE 40P01 deadlock_detected, 40001 serialization_failure (psycopg2.errors' classes)
CONFLICT_STATES = ("40P01", "40001")


def gave_way(exc):
    """True when `exc` (a DATABASE_DOWN) is a conflict with another transaction, not an outage."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "pgcode", None) in CONFLICT_STATES or type(orig).__name__ in (
            "DeadlockDetected", "SerializationFailure"):
        return True
    return type(orig).__name__ == "OperationalError" and "database is locked" in str(orig)


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
    """nameko's proxy; the context data it sends are this call's: its deadline, and the
    idempotency key only if this call was given one."""
    publisher_cls = RpcPublisher

    def __init__(self, *args, context=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._context = context or {}

    def get_message_headers(self, worker_ctx):
        headers = super().get_message_headers(worker_ctx)
        for key in CALL_ONLY:
            headers.pop(self._get_header_name(key), None)
        headers.update({self._get_header_name(key): value for key, value in self._context.items()})
        return headers


class _Responder(Responder):
    """nameko's, serialising the reply once: nameko dumps the result only to check that it can,
    then its publisher dumps the whole reply again (for a create, a customer twice)."""
    publisher_cls = RpcPublisher

    def send_response(self, result, exc_info):
        error = serialize(exc_info[1]) if exc_info is not None else None
        # the reply is encoded the same way as the request was
        serializer = kombu.serialization.registry.type_to_name[self.message.properties["content_type"]]
        try:
            content_type, encoding, body = kombu.serialization.dumps(
                {"result": result, "error": error}, serializer)
        except Exception:
            # as nameko: the caller gets an UnserializableValueError (which serialises), and
            # the container lives on
            exc_info = sys.exc_info()
            error, result = serialize(UnserializableValueError(result)), None
            content_type, encoding, body = kombu.serialization.dumps(
                {"result": None, "error": error}, serializer)
        self.publisher_cls(self.amqp_uri, ssl=self.ssl, login_method=self.login_method).publish(
            body, content_type=content_type, content_encoding=encoding, exchange=self.exchange,
            routing_key=self.message.properties["reply_to"],
            correlation_id=self.message.properties.get("correlation_id"))
        return result, exc_info


class _RpcConsumer(RpcConsumer):
    """nameko's consumer, replying through `_Responder` (nameko builds its Responder inline)."""

    @property
    def sharing_key(self):
        # One consumer per container on the `rpc-<service>` queue, whether an entrypoint was
        # declared with this module's `rpc` or still with nameko's: two would split the queue's
        # messages between them and each would answer MethodNotFound for the other's methods.
        return RpcConsumer

    def setup(self):
        super().setup()
        # quorum under QUEUE_TYPE=quorum; a poison request is dropped, not dead-lettered
        # (services/chassis/queues.py says why)
        queues.prepare(self.queue, self.container.config, dead_letter=False)

    def handle_result(self, message, result, exc_info):
        config = self.container.config
        responder = _Responder(
            config[AMQP_URI_CONFIG_KEY], get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER), message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY), login_method=config.get(LOGIN_METHOD_CONFIG_KEY))
        try:
            result, exc_info = responder.send_response(result, exc_info)
        except REPLY_ERRORS:
            # The broker went away after the work was done (its publisher retried meanwhile).
            # nameko would let this kill the whole container — every entrypoint of the service,
            # for good without a supervisor. The caller's deadline turns the lost reply into a
            # 503 that says the write may have applied; its Idempotency-Key retry gets the
            # recorded answer. Should the broker redeliver the request (its connection died
            # before the ack), the deadline check or the idempotency guard keeps it from
            # running twice.
            log.warning("rpc reply to %s not sent: broker unavailable", message.properties.get(
                "reply_to"), exc_info=True)
        self.queue_consumer.ack_message(message)
        return result, exc_info


class ServiceRpcEntrypoint(Rpc):
    rpc_consumer = _RpcConsumer()


class CallContext(DependencyProvider):
    """The worker's context (caller's deadline, idempotency key) for the `rpc` guard below."""

    def get_dependency(self, worker_ctx):
        return worker_ctx


def _guarded(method):
    """Refuse to start after the caller's deadline; run under its Idempotency-Key, if any. Needs
    a `CallContext` on the service (ChassisService has one as `call_context`); without it (or
    with worker_factory's mocks) the method is called as it is."""
    name = method.__name__

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        worker_ctx = getattr(self, "call_context", None)
        if not isinstance(worker_ctx, WorkerContext):
            return method(self, *args, **kwargs)
        deadline = worker_ctx.data.get(DEADLINE_CONTEXT)
        if deadline is not None and wall_clock() > float(deadline):
            late = wall_clock() - float(deadline)
            log.info("%s not started: its caller stopped waiting %.3fs ago", name, late)
            raise DeadlineExceeded(f"{name} was not started: the caller's deadline had passed.")
        db = getattr(self, "db", None)
        try:
            if not isinstance(db, DatabaseAccess):
                return method(self, *args, **kwargs)
            return idempotency.run(db, worker_ctx, name, args, kwargs,
                                   lambda: method(self, *args, **kwargs))
        except DATABASE_DOWN as exc:
            service = worker_ctx.service_name
            if gave_way(exc):
                log.warning("%s: given up to a conflicting transaction (%s), answered 503",
                            name, type(exc.orig).__name__)
                raise DatabaseBusy(
                    f"The {service} service's database gave this call up to a conflicting "
                    f"one (a deadlock or a lock held too long); nothing of it was kept by that "
                    f"transaction. Retry it, with the same Idempotency-Key for a write.",
                    {"service": service}) from None
            log.warning("%s: database unavailable (%s)", name, exc.__class__.__name__)
            raise DatabaseUnavailable(f"The {service} service's database is unavailable.",
                                      {"service": service}) from None
    return guarded


def rpc(*args, **kwargs):
    """The RPC entrypoint of every service: `@rpc` or `@rpc(expected_exceptions=...)`, as
    nameko's, answering without confirms and through `_guarded`."""
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return ServiceRpcEntrypoint.decorator(_guarded(args[0]))

    def decorate(method):
        return ServiceRpcEntrypoint.decorator(*args, **kwargs)(_guarded(method))
    return decorate


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

    def _context(self, timeout, idempotency_):
        deadline = wall_clock() + timeout
        inherited = self._worker_ctx.data.get(DEADLINE_CONTEXT)
        if inherited is not None:
            deadline = min(deadline, float(inherited))
        context = {DEADLINE_CONTEXT: round(deadline, 3)}
        if idempotency_ is not None:
            context.update(idempotency_.context())
        return context

    def _start(self, service, method, args, kwargs, timeout, idempotency_=None):
        guard = idempotency.guard_of(self._worker_ctx)
        if guard is not None:
            guard.settle()       # what this call did so far is committed before another service acts
        check = self._routes.needs_check(service)
        proxy = _MethodProxy(self._worker_ctx, service, method, self._reply_listener,
                             expiration=timeout, use_confirms=check,
                             context=self._context(timeout, idempotency_))
        if not check:
            return proxy.call_async(*args, **kwargs)
        try:            # confirmed, and nameko publishes requests `mandatory`: unroutable raises
            reply = proxy.call_async(*args, **kwargs)
        except UnknownService:
            raise ServiceUnavailable(f"The {service} service is not running.", {"service": service})
        self._routes.routable(service)
        return reply

    def call(self, service, method, *args, timeout=None, idempotency=None, **kwargs):
        """`idempotency`: an `idempotency.Idempotency` (key, fingerprint) for this call only."""
        timeout = settings.rpc_timeout() if timeout is None else timeout
        try:
            with eventlet.Timeout(timeout):
                return self._start(service, method, args, kwargs, timeout, idempotency).result()
        except eventlet.Timeout:
            raise ServiceUnavailable(f"The {service} service did not answer within {timeout:g}s.",
                                     {"service": service})
        except (ConnectionError, OSError, kombu.exceptions.OperationalError) as exc:
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
