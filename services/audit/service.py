"""audit: who changed which field of which record, when, from what to what — built from the
domain events of every service that publishes (services/registry.py; never from their
databases).

- catalog.py: what it consumes (every producer's every event type; inbox + catch-up, as every
  consumer);
- ordering.py: live events applied in each producer's order (else left to the catch-up), in
  batches (the chassis's live path: one queue per producer, a batch's in-order prefix one
  transaction);
- records.py: what each event says about which record; trail.py: the diff against the
  record's last known state, one entry per changed field;
- scopes.py + queries.py: the trail per record, per customer, per user, in a time range,
  newest first, only of the records the caller may see;
- rebuild.py: empty it; the catch-up replays the producers' logs into the same trail.
"""
import logging

from services.audit import catalog, ordering, queries
from services.audit.events import EVENT_SCHEMAS
from services.audit.models import Base
from services.chassis import inbox
from services.chassis.db import Database
from services.chassis.inbox import Subscriptions
from services.chassis.rpc import rpc                # replies without confirms
from services.chassis.service import ChassisService

log = logging.getLogger(__name__)


class AuditService(ChassisService):
    name = "audit"
    db = Database(Base.metadata, event_schemas=EVENT_SCHEMAS)
    subscriptions = Subscriptions(catalog.handlers())

    @rpc
    def list_changes(self, query=None):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return queries.list_changes(session, principal, query)

    @rpc
    def customer_history(self, customer_id, query=None):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return queries.customer_history(session, principal, customer_id, query)

    def consume_events(self, envelopes):
        """A live batch: per producer, the events that continue its position in one transaction;
        if one comes after a gap (a missed event, or one published late), a catch-up up to the
        batch's last sequence applies the gap and the rest in the log's order — no further, so
        it does not race the events still in the queue."""
        by_source = {}
        for index, envelope in enumerate(envelopes):
            by_source.setdefault(envelope["source"], []).append(index)
        outcomes = [None] * len(envelopes)
        for source, indexes in by_source.items():
            batch = [envelopes[index] for index in indexes]
            try:
                done = ordering.consume_batch_in_order(self.db, self.subscriptions, batch)
            except Exception as exc:
                log.info("a batch of %s events from %s failed as a whole (%r); applying them "
                         "in order one by one", len(batch), source, exc)
                done = ordering.consume_one_by_one(self.db, self.subscriptions, batch)
            if ordering.OUT_OF_ORDER in done and inbox.FAILED not in done:
                self._catch_up_to(source, max(envelope["sequence"] for envelope in batch))
            for index, outcome in zip(indexes, done):
                outcomes[index] = outcome
        return outcomes

    def consume_event(self, envelope):
        """One live event (a batch's fallback): applied now if it is its producer's next event
        (or becomes it within a moment), else by a catch-up at once up to it (which applies it
        after the ones it waited for)."""
        outcome = ordering.consume_in_order(self.db, self.subscriptions, envelope)
        if outcome == ordering.OUT_OF_ORDER and ordering.wait_for_predecessor(self.db, envelope):
            outcome = ordering.consume_in_order(self.db, self.subscriptions, envelope)
        if outcome == ordering.OUT_OF_ORDER:
            self._catch_up_to(envelope["source"], envelope["sequence"])
        return outcome

    def _catch_up_to(self, source, sequence):
        try:
            self.catch_up_source(source, until=sequence)
        except Exception:
            log.warning("catch-up from %s up to %s incomplete; the timer retries", source,
                        sequence, exc_info=True)
