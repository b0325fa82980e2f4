"""The base every domain service class extends: what all of them share, written once.

A subclass sets `name`, `db = Database(...)` and, if it consumes events, `subscriptions` plus an
`@event_handler` method per event type that calls `self.apply_event(envelope)`.
"""
import logging
from datetime import timedelta

from nameko.timer import timer
from sqlalchemy import text

from services.chassis import inbox, settings
from services.chassis.auth import CurrentPrincipal
from services.chassis.metrics import Metrics
from services.chassis.models import utcnow
from services.chassis.rpc import ServiceRpc, rpc    # rpc: replies without confirms

log = logging.getLogger(__name__)


class ChassisService:
    name = None
    db = None                                   # a Database(...) in every subclass
    subscriptions = inbox.Subscriptions({})

    metrics = Metrics()
    principal = CurrentPrincipal()
    services = ServiceRpc()

    # --- event log -------------------------------------------------------------------------
    @rpc
    def events_since(self, sequence=0, limit=500):
        """This service's events with a sequence above `sequence`, oldest first (replay)."""
        return self.db.relay.events_since(sequence, limit)

    @rpc
    def health(self):
        """Readiness: the broker delivered this call; the database answers a query."""
        with self.db.read_only() as session:
            session.execute(text("SELECT 1"))
        return {"service": self.name, "status": "ok"}

    @timer(interval=settings.outbox_sweep_interval())
    def sweep_outbox(self):
        relay = self.db.relay
        try:
            relay.sweep()
        except Exception:
            log.warning("outbox sweep: broker unavailable; will retry", exc_info=True)
        self.metrics.outbox(*relay.backlog())
        retention_days = settings.env_int("OUTBOX_RETENTION_DAYS", 0)
        if retention_days:
            relay.purge_sent_before(utcnow() - timedelta(days=retention_days))

    # --- consuming -------------------------------------------------------------------------
    def apply_event(self, envelope):
        """Live path for `@event_handler` methods. A failure is counted and logged, and left
        to the catch-up (which re-reads the producer's log), so the event is not lost."""
        source, event_type = envelope.get("source"), envelope.get("event_type")
        try:
            outcome = inbox.consume(self.db, self.subscriptions, envelope)
        except Exception:
            log.exception("event %s from %s failed; the catch-up will retry it", event_type, source)
            outcome = inbox.FAILED
        self.metrics.event_consumed(source, event_type, outcome)
        return outcome

    @timer(interval=settings.catch_up_interval())
    def catch_up_events(self):
        for source in self.subscriptions.sources:
            def fetch(position, limit, source=source):
                return self.services.call(source, "events_since", position, limit)
            try:
                applied, position = inbox.catch_up(self.db, self.subscriptions, fetch, source)
            except Exception:
                log.warning("catch-up from %s incomplete; next round retries", source, exc_info=True)
                continue
            self.metrics.consumer_position(source, position)
            if applied:
                log.info("catch-up applied %s missed event(s) from %s", applied, source)
