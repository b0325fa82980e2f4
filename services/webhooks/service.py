"""webhooks: signed HTTP callbacks of the domain events to outside systems (admin-managed).

- subscriptions (handlers/subscriptions.py): target URL, event types, secret, active/disabled;
- recording (handlers/recording.py): every event of every producer (catalog.PRODUCERS) is consumed
  exactly once through the chassis's inbox, and one delivery per interested subscription is
  written in the same transaction (live: in batches per producer, one transaction each);
- sending (handlers/sender.py, on a timer, once across replicas): Standard Webhooks signatures,
  retries with backoff and jitter, auto-disable after repeated failure;
- the delivery log (handlers/deliveries.py) and replays from the producers' event logs
  (handlers/replay.py).
"""
from services.chassis.db import Database
from services.chassis.inbox import Subscriptions
from services.chassis.periodic import periodic
from services.chassis.rpc import rpc                # replies without confirms
from services.chassis.service import ChassisService
from services.webhooks import catalog, metrics, settings
from services.webhooks.events import EVENT_SCHEMAS
from services.webhooks.handlers import deliveries, recording, replay, sender, subscriptions
from services.webhooks.models import Base

ADMIN = "admin"


class WebhooksService(ChassisService):
    name = "webhooks"
    db = Database(Base.metadata, event_schemas=EVENT_SCHEMAS, packed_events=EVENT_SCHEMAS)
    # Every event type every producer publishes (their contracts): one live handler each, and
    # the catch-up over their logs for what the live path missed.
    subscriptions = Subscriptions({source: {event_type: recording.record for event_type in schemas}
                                   for source, schemas in catalog.PRODUCERS.items()})
    # Live events in batches, one queue per producer (`evt-<source>--webhooks.batch`, in the
    # producer's order), each batch one transaction through the chassis's inbox: recording is
    # an inbox row and, for the few events a subscription wants, a delivery, so the commit per
    # event was most of its cost (a bulk import's two events per row, bench/FINDINGS.md).

    # --- subscriptions -----------------------------------------------------------------------
    @rpc
    def list_event_types(self):
        self.principal.require(ADMIN)
        return catalog.listing()

    @rpc
    def create_subscription(self, data):
        principal = self.principal.require(ADMIN)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return subscriptions.create_subscription(uow, data)

    @rpc
    def list_subscriptions(self, query=None):
        self.principal.require(ADMIN)
        with self.db.read_only() as session:
            return subscriptions.list_subscriptions(session, query)

    @rpc
    def get_subscription(self, subscription_id):
        self.principal.require(ADMIN)
        with self.db.read_only() as session:
            return subscriptions.get_subscription(session, subscription_id)

    @rpc
    def update_subscription(self, subscription_id, data):
        principal = self.principal.require(ADMIN)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return subscriptions.update_subscription(uow, subscription_id, data)

    @rpc
    def rotate_subscription_secret(self, subscription_id):
        principal = self.principal.require(ADMIN)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return subscriptions.rotate_secret(uow, subscription_id)

    @rpc
    def disable_subscription(self, subscription_id, data):
        principal = self.principal.require(ADMIN)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return subscriptions.disable_subscription(uow, subscription_id, data)

    @rpc
    def enable_subscription(self, subscription_id):
        principal = self.principal.require(ADMIN)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return subscriptions.enable_subscription(uow, subscription_id)

    # --- delivery log and replays ------------------------------------------------------------
    @rpc
    def list_deliveries(self, subscription_id, query=None):
        self.principal.require(ADMIN)
        with self.db.read_only() as session:
            return deliveries.list_deliveries(session, subscription_id, query)

    @rpc
    def list_delivery_attempts(self, delivery_id):
        self.principal.require(ADMIN)
        with self.db.read_only() as session:
            return deliveries.list_attempts(session, delivery_id)

    @rpc
    def replay_events(self, subscription_id, data):
        principal = self.principal.require(ADMIN)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return replay.request_replay(uow, subscription_id, data)

    @rpc
    def list_replays(self, subscription_id):
        self.principal.require(ADMIN)
        with self.db.read_only() as session:
            return replay.list_replays(session, subscription_id)

    # --- the timer: replays queue deliveries, then everything due is sent ---------------------
    @periodic(settings.send_interval)
    def send_webhooks(self):
        replay.run_replays(self.db, self._events_since)
        sender.send_due(self.db)
        with self.db.read_only() as session:
            metrics.backlog(*deliveries.backlog(session))

    def _events_since(self, source, after, limit):
        return self.services.call(source, "events_since", after, limit)
