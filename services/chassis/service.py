"""The base every domain service class extends: what all of them share, written once.

A subclass sets `name`, `db = Database(...)` and, if it consumes events, `subscriptions`: the
live entrypoints are made from it when the class is defined, so no service writes one stub per
event — one batched handler per source (`on_<source>_events`, queues.batch_event_handler: one
queue per source holding the producer's order), each call `self.apply_events` with a list,
applied in one transaction (`consume_events`; audit applies its own way). That is the only live
path: the per-event handlers (one queue per event type) lost the order between types and paid a
commit per event; `apply_event` remains as a batch's event-by-event fallback.

The catch-up timer reads each source's log only as far as the live path got since its last
round (inbox.LiveProgress), so it fills what the live path missed without racing a backlog the
live queue is still working through; a round that reads to the log's end takes only the events
that settled (CATCH_UP_SETTLE_SECONDS, outbox.settled_prefix), so neither does it race a burst
the live path has not delivered any of yet.
"""
import logging
from datetime import datetime, timedelta

from nameko.extensions import DependencyProvider
from sqlalchemy import text

from services.chassis import idempotency, inbox, settings
from services.chassis.auth import CurrentPrincipal
from services.chassis.heap import ServiceHeap
from services.chassis.metrics import Metrics
from services.chassis.models import utcnow
from services.chassis.periodic import periodic
from services.chassis.queues import batch_event_handler   # on queues of QUEUE_TYPE
from services.chassis.rpc import CallContext, ServiceRpc, rpc   # rpc: replies without confirms

log = logging.getLogger(__name__)


def _batched_live_handler(source, event_types, name):
    def handle(self, envelopes):
        return self.apply_events(envelopes)
    handle.__name__ = handle.__qualname__ = name
    handle.__doc__ = (f"{source}'s {', '.join(event_types)}, live, in batches in the order "
                      f"{source} wrote them (the catch-up reads what this misses).")
    return batch_event_handler(source, event_types)(handle)


def add_live_handlers(cls):
    """The live entrypoints of the subscribed (source, event type)s: one `on_<source>_events`
    per source, on `evt-<source>--<service>.batch` with every subscribed type of the source
    bound to it — one queue per type would lose the order between types, which batches applied
    side by side turn into real reorderings. A method already defined under the name is left
    alone."""
    by_source = {}
    for source, event_type in cls.subscriptions.event_types():
        by_source.setdefault(source, []).append(event_type)
    for source, event_types in by_source.items():
        name = f"on_{source}_events"
        if not hasattr(cls, name):
            setattr(cls, name, _batched_live_handler(source, event_types, name))


def _lag_seconds(envelope, outcome):
    """now - occurred_at of an event just applied (None: not applied, or no usable time)."""
    if outcome != inbox.PROCESSED:
        return None
    try:
        return (utcnow() - datetime.fromisoformat(envelope["occurred_at"])).total_seconds()
    except (KeyError, TypeError, ValueError):
        return None


class LiveProgressTracker(DependencyProvider):
    """One inbox.LiveProgress per container (so two containers of a class in one test process
    keep theirs apart), shared by all its workers."""

    def setup(self):
        self.progress = inbox.LiveProgress()

    def get_dependency(self, worker_ctx):
        return self.progress


def _progress(service):
    """The service's LiveProgress; None on an instance made without a container (unit tests)."""
    progress = service.live_progress
    return progress if isinstance(progress, inbox.LiveProgress) else None


class ChassisService:
    name = None
    db = None                                   # a Database(...) in every subclass
    subscriptions = inbox.Subscriptions({})

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        add_live_handlers(cls)

    metrics = Metrics()
    principal = CurrentPrincipal()
    services = ServiceRpc()
    call_context = CallContext()     # `rpc`: the caller's deadline and Idempotency-Key
    live_progress = LiveProgressTracker()   # how far the live path got: the catch-up's horizon
    heap = ServiceHeap()             # the garbage collector tuned once the process has started

    # --- event log -------------------------------------------------------------------------
    @rpc
    def events_since(self, sequence=0, limit=500, min_age_seconds=0):
        """This service's events with a sequence above `sequence`, oldest first (replay);
        `min_age_seconds`: only those that settled that long ago (a periodic catch-up round to
        the log's end, outbox.settled_prefix)."""
        return self.db.relay.events_since(sequence, limit, min_age_seconds)

    @rpc
    def health(self):
        """Readiness: the broker delivered this call; the database answers a query."""
        with self.db.read_only() as session:
            session.execute(text("SELECT 1"))
        return {"service": self.name, "status": "ok"}

    @periodic(settings.outbox_sweep_interval)
    def sweep_outbox(self):
        relay = self.db.relay
        try:
            relay.sweep()
        except Exception:
            log.warning("outbox sweep: broker unavailable; will retry", exc_info=True)
        self.metrics.outbox(*relay.backlog(), head_sequence=relay.head_sequence())
        self.metrics.db_pool(self.db.engine)
        retention_days = settings.outbox_retention_days()
        if retention_days:
            relay.purge_sent_before(utcnow() - timedelta(days=retention_days))

    @periodic(settings.idempotency_purge_interval)
    def purge_idempotency_keys(self):
        idempotency.purge(self.db, utcnow() - timedelta(seconds=settings.idempotency_key_ttl()))

    # --- consuming -------------------------------------------------------------------------
    def apply_event(self, envelope):
        """One live event: a batch's fallback (apply_events), or a hand-written handler's. A
        failure is counted and logged, and left to the catch-up (which re-reads the producer's
        log), so the event is not lost."""
        source, event_type = envelope.get("source"), envelope.get("event_type")
        self._delivered([envelope])
        try:
            outcome = self.consume_event(envelope)
        except Exception:
            log.exception("event %s from %s failed; the catch-up will retry it", event_type, source)
            outcome = inbox.FAILED
        self.metrics.event_consumed(source, event_type, outcome, _lag_seconds(envelope, outcome))
        return outcome

    def apply_events(self, envelopes):
        """The live path (the batched handlers): the whole list in one transaction (consume_events);
        if that fails, event by event (apply_event), so a bad event costs only itself and the
        catch-up retries it."""
        self._delivered(envelopes)
        try:
            outcomes = self.consume_events(envelopes)
        except Exception as exc:
            log.info("a batch of %s events failed as a whole (%r); applying them one by one",
                     len(envelopes), exc)
            return [self.apply_event(envelope) for envelope in envelopes]
        self._count_consumed(envelopes, outcomes)
        return outcomes

    def _count_consumed(self, envelopes, outcomes):
        """A batch's metrics at once: one increment per (source, type, outcome) by its count,
        and the lag of each source's last applied event (the gauge's value after setting it
        event by event, as apply_event does; if that event's time is unusable the gauge keeps
        its value) — per event, the labels' look-up and the lag's clock and date parsing were
        a tenth of a consumer's CPU per event (bench/FINDINGS.md, the sixth session's
        per-event floor)."""
        counts, last = {}, {}
        for envelope, outcome in zip(envelopes, outcomes):
            source = envelope.get("source")
            key = (source, envelope.get("event_type"), outcome)
            counts[key] = counts.get(key, 0) + 1
            if outcome == inbox.PROCESSED:
                last[source] = envelope
        self.metrics.events_consumed(counts, {
            source: _lag_seconds(envelope, inbox.PROCESSED) for source, envelope in last.items()})

    def _delivered(self, envelopes):
        progress = _progress(self)
        if progress is not None:
            progress.delivered(envelopes)

    def consume_events(self, envelopes):
        """Several events, each exactly once; their outcomes. Through the chassis's inbox the
        whole list is one transaction (inbox.consume_all: one commit and one inbox insert for
        the batch, where a commit per event was most of a consumer's CPU per event). A service
        that applies an event its own way (`consume_event` overridden: audit's ordering) gets
        each committed on its own unless it overrides this too (reporting's inbox)."""
        if type(self).consume_event is not ChassisService.consume_event:
            return [self.consume_event(envelope) for envelope in envelopes]
        # a batch from one ordered queue also moves the stored position
        return inbox.consume_all(self.db, self.subscriptions, envelopes, advance_position=True)

    def consume_event(self, envelope):
        """Apply one event exactly once through the inbox; returns the outcome, raises if the
        effect fails. A service with its own inbox overrides this (reporting keeps one per
        projection: services/reporting/inbox.py)."""
        return inbox.consume(self.db, self.subscriptions, envelope)

    @periodic(settings.catch_up_interval)
    def catch_up_events(self):
        """Each source's log from our position: to its end, or — while the live path is
        delivering that source — only to where the live path got (the rest is most likely
        still in its queue; inbox.LiveProgress bounds how many rounds in a row stop there)."""
        progress = _progress(self)
        stored = inbox.positions(self.db) if progress is not None else {}
        for source in self.subscriptions.sources:
            until = None if progress is None else progress.horizon(source, stored.get(source, 0))
            try:
                # to the log's end: only what settled (a burst the live path has not delivered
                # any of yet looks quiet to LiveProgress); below a horizon the live path has
                # delivered, so what is missing there was really missed
                applied, position = self.catch_up_source(source, until, settled=until is None)
            except Exception:
                log.warning("catch-up from %s incomplete; next round retries", source, exc_info=True)
                self.metrics.catch_up_failed(source)
                continue
            if progress is not None:
                progress.round_done(source, position)
            self.metrics.consumer_position(source, position)
            if applied:
                log.info("catch-up applied %s missed event(s) from %s", applied, source)

    def catch_up_source(self, source, until=None, settled=False):
        """inbox.catch_up over `source`'s `events_since`; (applied, position)."""
        return inbox.catch_up(self.db, self.subscriptions, self.event_log(source, settled),
                              source, until=until)

    def event_log(self, source, settled=False):
        """fetch(position, limit): `source`'s `events_since`. `settled` (a periodic round
        reading to the log's end — this class's and reporting's): only the events the producer
        published at least CATCH_UP_SETTLE_SECONDS ago (outbox.settled_prefix says why, and
        why the producer cuts). With 0 the call is the plain one, as before."""
        min_age = settings.catch_up_settle() if settled else 0

        def fetch(position, limit):
            if min_age:
                return self.services.call(source, "events_since", position, limit,
                                          min_age_seconds=min_age)
            return self.services.call(source, "events_since", position, limit)
        return fetch
