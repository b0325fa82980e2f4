"""Prometheus metrics: one dependency provider times every entrypoint of a service.

Metric objects are module-level (one registry per process) and labelled by service, so tests
that run several services in one process share them safely. The `/metrics` listener starts on
the service's own port (`<SERVICE>_METRICS_PORT`, 0 = off) — never the gateway's HTTP port.
"""
import logging
import time

from nameko.extensions import DependencyProvider
from nameko.events import EventHandler
from nameko.rpc import Rpc
from nameko.timer import Timer
from nameko.web.handlers import HttpRequestHandler
from prometheus_client import Counter, Gauge, Histogram, start_http_server

from services.chassis import settings
from services.chassis.errors import CrmError
from services.chassis.logs import bind_call_id

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10)

ENTRYPOINT_CALLS = Counter(
    "crm_entrypoint_calls_total", "Entrypoint invocations by kind, name and outcome",
    ["service", "kind", "name", "outcome"])
ENTRYPOINT_LATENCY = Histogram(
    "crm_entrypoint_duration_seconds", "Entrypoint latency by kind and name",
    ["service", "kind", "name"], buckets=LATENCY_BUCKETS)
HTTP_RESPONSES = Counter(
    "crm_http_responses_total", "HTTP responses by route and status", ["service", "route", "status"])
EVENTS_CONSUMED = Counter(
    "crm_events_consumed_total", "Events handled by consumers",
    ["service", "source", "event_type", "outcome"])
OUTBOX_BACKLOG = Gauge("crm_outbox_backlog", "Events written but not yet published", ["service"])
OUTBOX_OLDEST_AGE = Gauge("crm_outbox_oldest_unsent_age_seconds",
                          "Age of the oldest unpublished event", ["service"])
CONSUMER_POSITION = Gauge("crm_consumer_position", "Last producer sequence applied by catch-up",
                          ["service", "source"])
CONSUMER_LAG = Gauge(
    "crm_consumer_lag_seconds", "Time from occurred_at until the last event a consumer applied",
    ["service", "source"])
CATCH_UP_FAILURES = Counter(
    "crm_catch_up_failures_total", "Catch-up (event log replay) rounds that stopped on an error",
    ["service", "source"])
# The producer's side of the lag: a consumer's position is this many events behind its source's
# crm_event_log_head_sequence (deploy/prometheus/rules.yml: crm:consumer_lag_events).
EVENT_LOG_HEAD = Gauge("crm_event_log_head_sequence", "Highest sequence in this service's event log",
                       ["service"])
DB_POOL_CHECKED_OUT = Gauge("crm_db_pool_checked_out_connections",
                            "Database connections in use by this process", ["service"])
DB_POOL_SIZE = Gauge("crm_db_pool_size_connections",
                     "Connections the pool keeps (more are opened up to its overflow)", ["service"])

_started_ports = set()


def entrypoint_kind(entrypoint):
    for cls, kind in ((HttpRequestHandler, "http"), (Rpc, "rpc"),
                      (EventHandler, "event"), (Timer, "timer")):
        if isinstance(entrypoint, cls):
            return kind
    return "other"


def outcome_of(exc_info):
    if exc_info is None:
        return "success"
    exc = exc_info[1]
    if getattr(exc, "code", None) == "deadline_exceeded":
        return "expired"           # not started: its caller had stopped waiting
    if isinstance(exc, CrmError) and exc.http_status < 500:
        return "client_error"      # the caller's mistake is not our failure rate
    return "error"


class Metrics(DependencyProvider):
    def setup(self):
        self.service = self.container.service_name
        self._started = {}

    def start(self):
        port = settings.metrics_port(self.service)
        if port and port not in _started_ports:
            start_http_server(port, addr=settings.metrics_addr())
            _started_ports.add(port)
            log.info("metrics for %s on :%s/metrics", self.service, port)

    def worker_setup(self, worker_ctx):
        bind_call_id(worker_ctx.call_id)
        self._started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self._started.pop(worker_ctx, None)
        if started is None:
            return
        kind = entrypoint_kind(worker_ctx.entrypoint)
        name = worker_ctx.entrypoint.method_name
        ENTRYPOINT_LATENCY.labels(self.service, kind, name).observe(time.perf_counter() - started)
        ENTRYPOINT_CALLS.labels(self.service, kind, name, outcome_of(exc_info)).inc()

    def worker_teardown(self, worker_ctx):
        self._started.pop(worker_ctx, None)
        bind_call_id(None)

    def get_dependency(self, worker_ctx):
        return self

    def http_response(self, route, status):
        HTTP_RESPONSES.labels(self.service, route, str(status)).inc()

    def event_consumed(self, source, event_type, outcome, lag_seconds=None):
        EVENTS_CONSUMED.labels(self.service, source, event_type, outcome).inc()
        if lag_seconds is not None:
            CONSUMER_LAG.labels(self.service, source).set(max(lag_seconds, 0.0))

    def events_consumed(self, counts, lags):
        """A batch's event_consumed: `counts` {(source, event_type, outcome): events},
        `lags` {source: lag of its last applied event, or None}."""
        for (source, event_type, outcome), count in counts.items():
            EVENTS_CONSUMED.labels(self.service, source, event_type, outcome).inc(count)
        for source, lag_seconds in lags.items():
            if lag_seconds is not None:
                CONSUMER_LAG.labels(self.service, source).set(max(lag_seconds, 0.0))

    def outbox(self, backlog, oldest_age, head_sequence=None):
        OUTBOX_BACKLOG.labels(self.service).set(backlog)
        OUTBOX_OLDEST_AGE.labels(self.service).set(oldest_age)
        if head_sequence is not None:
            EVENT_LOG_HEAD.labels(self.service).set(head_sequence)

    def catch_up_failed(self, source):
        CATCH_UP_FAILURES.labels(self.service, source).inc()

    def db_pool(self, engine):
        """Connections in use against the pool's size (QueuePool; other pools have no size)."""
        pool = engine.pool
        if hasattr(pool, "checkedout") and hasattr(pool, "size"):
            DB_POOL_CHECKED_OUT.labels(self.service).set(pool.checkedout())
            DB_POOL_SIZE.labels(self.service).set(pool.size())

    def consumer_position(self, source, sequence):
        CONSUMER_POSITION.labels(self.service, source).set(sequence)
