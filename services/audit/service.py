"""audit: who changed which field of which record, when, from what to what — built from the
domain events of identity, customers and sales (never from their databases).

- catalog.py: what it consumes (every event type; inbox + catch-up, as every consumer);
- ordering.py: live events applied in each producer's order (else left to the catch-up);
- records.py: what each event says about which record; trail.py: the diff against the
  record's last known state, one entry per changed field;
- scopes.py + queries.py: the trail per record, per customer, per user, in a time range,
  newest first, only of the records the caller may see;
- rebuild.py: empty it; the catch-up replays the producers' logs into the same trail.
"""
from services.audit import catalog, ordering, queries
from services.audit.events import EVENT_SCHEMAS
from services.audit.models import Base
from services.chassis import inbox
from services.chassis.db import Database
from services.chassis.inbox import Subscriptions
from services.chassis.rpc import rpc                # replies without confirms
from services.chassis.service import ChassisService


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

    def consume_event(self, envelope):
        """Live: applied now if it is its producer's next event (or becomes it within a
        moment), else by a catch-up at once (which applies it after the ones it waited for)."""
        outcome = ordering.consume_in_order(self.db, self.subscriptions, envelope)
        if outcome == ordering.OUT_OF_ORDER and ordering.wait_for_predecessor(self.db, envelope):
            outcome = ordering.consume_in_order(self.db, self.subscriptions, envelope)
        if outcome == ordering.OUT_OF_ORDER:
            source = envelope["source"]

            def fetch(position, limit):
                return self.services.call(source, "events_since", position, limit)
            inbox.catch_up(self.db, self.subscriptions, fetch, source)
        return outcome
