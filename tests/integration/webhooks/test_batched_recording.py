"""The live path in batches (the chassis's batched handlers): one producer's events arrive on one
queue in its order and a batch is recorded in one transaction through the chassis's inbox —
each event exactly once (a redelivery, or the same event twice in a batch, records nothing
more), deliveries in the producer's order. The broker side (one queue per source, batches in
order, every message acked) is tests/integration/chassis/test_batch_handlers.py; the live path
end to end through the real broker is every other test of this directory."""
import uuid
from datetime import timedelta

from nameko.testing.services import entrypoint_hook
from sqlalchemy import select

from services.chassis.models import InboxEvent, utcnow
from services.chassis.queues import BatchEventHandler
from services.webhooks import catalog
from tests.integration.webhooks.conftest import db_of
from tests.integration.webhooks.support import deliveries, subscribe


def envelope(sequence, event_type, customer_id, occurred):
    return {"event_id": str(uuid.uuid4()), "source": "customers", "event_type": event_type,
            "sequence": sequence, "occurred_at": occurred.isoformat(), "version": 1,
            "actor": "tester", "payload": {"id": customer_id, "name": f"Customer {customer_id}"}}


def test_the_live_path_is_one_batched_handler_per_producer(system):
    handlers = {ext.source_service: ext for ext in system["webhooks"].entrypoints
                if isinstance(ext, BatchEventHandler)}
    assert sorted(handlers) == sorted(catalog.PRODUCERS)
    assert {"customer_created", "customer_assigned"} <= set(handlers["customers"].event_types)


def test_a_batch_is_recorded_once_in_one_transaction_in_the_producers_order(system, receiver):
    subscription = subscribe(system, receiver, ["customer_created", "customer_updated"])
    occurred = utcnow() + timedelta(seconds=5)          # after the subscription was created
    created = envelope(9001, "customer_created", "c-1", occurred)
    batch = [created,
             envelope(9002, "customer_assigned", "c-1", occurred),       # not subscribed
             envelope(9003, "customer_updated", "c-1", occurred),
             dict(created),                                               # the same event again
             envelope(9004, "customer_created", "c-2", occurred)]
    with entrypoint_hook(system["webhooks"], "on_customers_events") as apply:
        assert apply(batch) == ["processed", "processed", "processed", "duplicate", "processed"]
    db = db_of(system["webhooks"])
    rows = deliveries(db, subscription["id"])
    assert [(row.sequence, row.event_type) for row in rows] == [
        (9001, "customer_created"), (9003, "customer_updated"), (9004, "customer_created")]
    with db.read_only() as session:
        recorded = session.scalars(select(InboxEvent.processed_at).where(
            InboxEvent.sequence.between(9001, 9004))).all()
    assert len(recorded) == 4 and len(set(recorded)) == 1, "one transaction for the batch"

    with entrypoint_hook(system["webhooks"], "on_customers_events") as apply:     # redelivered
        assert apply(batch) == ["duplicate"] * 5
    assert len(deliveries(db, subscription["id"])) == 3
