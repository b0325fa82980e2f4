"""Audit's two ways of applying a live event take their locks in one order on PostgreSQL: the
consumer position first, then the inbox row. A batch (consume_batch_in_order) and an event
applied on its own (consume_in_order: the fallback of a batch that failed, on the old consumer
while a standby replica takes the queue over) at the same time on the same event: the second
waits for the first and finds a duplicate. The order inverted (the inbox row first), the batch
would hold the position and wait for the event's uncommitted inbox row while the event waits
for the position: a deadlock, one of them aborted."""
import eventlet
import pytest

from services.audit import ordering
from services.chassis import inbox
from services.chassis.db import make_engine
from services.chassis.models import ConsumerPosition
from tests.integration.lock_waits import pause_after_first, waiting_on_a_lock
from tests.unit.audit.support import SUBSCRIPTIONS, audit_db
from tests.unit.audit.test_trail import customers_log


@pytest.mark.postgres
def test_a_batch_and_a_single_event_at_once_wait_for_each_other(postgres_database, monkeypatch):
    engine = make_engine(postgres_database)
    try:
        db = audit_db(engine)
        with db.unit_of_work() as uow:
            uow.session.add(ConsumerPosition(source="customers", last_sequence=0))
        created = customers_log().events[0]
        results = {}

        def batch():
            results["batch"] = ordering.consume_batch_in_order(db, SUBSCRIPTIONS, [created])

        # the single event pauses after its first lock until the batch waits on it
        pause = pause_after_first(engine, batch)
        monkeypatch.setattr(ordering, "_locked_position", pause(ordering._locked_position))
        monkeypatch.setattr(inbox, "record_new", pause(inbox.record_new))
        with eventlet.Timeout(30):
            results["single"] = ordering.consume_in_order(db, SUBSCRIPTIONS, created)
            pause.other.wait()
        assert results == {"single": inbox.PROCESSED, "batch": [inbox.DUPLICATE]}
        assert not waiting_on_a_lock(engine)
        with db.read_only() as session:
            assert session.get(ConsumerPosition, "customers").last_sequence == 1
    finally:
        engine.dispose()
