"""A live batch's chassis work done once per batch (bench/FINDINGS.md, the sixth session's
per-event floor): the stored position moved by Core statements (advance_over), the metrics
counted per (source, type, outcome), the inbox's processed_at bound once per unit — with the
same results as event by event."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select, text

from services.chassis import inbox
from services.chassis.metrics import Metrics
from services.chassis.models import ConsumerPosition, InboxEvent
from services.chassis.service import ChassisService
from tests.unit.chassis.fakes import make_db
from tests.unit.chassis.test_inbox import SUBSCRIPTIONS, Base, event, seen


@pytest.fixture
def db(memory_engine):
    return make_db(memory_engine, Base.metadata)


def stored(db):
    with db.read_only() as session:
        row = session.get(ConsumerPosition, "producer")
        return None if row is None else (row.last_sequence, row.last_error)


def live(db, events):
    return inbox.consume_all(db, SUBSCRIPTIONS, events, advance_position=True)


def test_a_live_batch_moves_the_position_over_what_continues_it(db):
    assert live(db, [event(1), event(2), event(3)]) == [inbox.PROCESSED] * 3
    assert stored(db) == (3, None)
    assert live(db, [event(5), event(6)]) == [inbox.PROCESSED] * 2
    assert stored(db) == (3, None), "a gap (4) stops it: the catch-up reads 4 there"
    assert live(db, [event(4)]) == [inbox.PROCESSED]
    assert stored(db) == (4, None), "applied, but 5 and 6 were in an earlier batch"


def test_a_redelivered_pack_and_a_repeat_within_a_batch_change_nothing(db):
    pack = [event(1), event(2), event(2), event(3)]
    assert live(db, pack) == [inbox.PROCESSED, inbox.PROCESSED, inbox.DUPLICATE,
                              inbox.PROCESSED]
    assert live(db, pack) == [inbox.DUPLICATE] * 4
    assert seen(db) == ["t1", "t2", "t3"] and stored(db) == (3, None)


def test_a_moving_position_clears_the_last_error_and_a_failed_batch_moves_nothing(db):
    live(db, [event(1)])
    inbox._save_position(db, "producer", 1, error="2: ValueError('cannot apply')")
    with pytest.raises(ValueError):
        live(db, [event(2), event(3, fail=True)])
    assert stored(db) == (1, "2: ValueError('cannot apply')") and seen(db) == ["t1"]
    live(db, [event(1)])                               # a duplicate: nothing moves
    assert stored(db) == (1, "2: ValueError('cannot apply')")
    live(db, [event(2), event(3)])
    assert stored(db) == (3, None)


class Consumer(ChassisService):
    name = "floor_test"
    subscriptions = SUBSCRIPTIONS


def consumed(source, event_type, outcome):
    return REGISTRY.get_sample_value("crm_events_consumed_total", {
        "service": "floor_test", "source": source, "event_type": event_type,
        "outcome": outcome}) or 0


def lag(source):
    return REGISTRY.get_sample_value("crm_consumer_lag_seconds",
                                     {"service": "floor_test", "source": source})


def test_a_batch_counts_each_outcome_and_sets_the_lag_of_its_last_applied_event(db):
    metrics = Metrics()
    metrics.service = "floor_test"
    service = Consumer()
    service.db, service.metrics = db, metrics
    now = datetime.now(timezone.utc)

    def at(envelope, minutes_ago):
        return {**envelope, "occurred_at": (now - timedelta(minutes=minutes_ago)).isoformat()}

    before = {outcome: consumed("producer", "thing_done", outcome)
              for outcome in (inbox.PROCESSED, inbox.DUPLICATE)}
    ignored = consumed("producer", "other", inbox.IGNORED)
    batch = [at(event(1), 60), at(event(2), 30), at(event(1), 1), at(event(3), 10),
             at(event(4, event_type="other"), 0)]
    assert service.apply_events(batch) == [inbox.PROCESSED, inbox.PROCESSED, inbox.DUPLICATE,
                                           inbox.PROCESSED, inbox.IGNORED]
    assert consumed("producer", "thing_done", inbox.PROCESSED) == before[inbox.PROCESSED] + 3
    assert consumed("producer", "thing_done", inbox.DUPLICATE) == before[inbox.DUPLICATE] + 1
    assert consumed("producer", "other", inbox.IGNORED) == ignored + 1
    # event 3's (the last applied), not the duplicate's nor the ignored one's
    assert 10 * 60 - 5 < lag("producer") < 10 * 60 + 5
    # a batch of duplicates only leaves the lag where it was
    assert service.apply_events([at(event(1), 0)]) == [inbox.DUPLICATE]
    assert 10 * 60 - 5 < lag("producer") < 10 * 60 + 5


def test_the_inbox_stores_processed_at_as_the_orm_does(db):
    """On SQLite processed_at is bound as text made once per unit (inbox.processed_at): the
    same text an ORM insert stores, read back as the same aware UTC datetime."""
    live(db, [event(1), event(2)])                     # several rows: RETURNING
    live(db, [event(3)])                               # one row: the rowcount path
    with db.unit_of_work() as uow:
        uow.session.add(InboxEvent(event_id="orm", source="x", event_type="y", sequence=1))
    with db.read_only() as session:
        raw = dict(session.execute(text("SELECT event_id, processed_at FROM inbox")).all())
        read = dict(session.execute(select(InboxEvent.event_id, InboxEvent.processed_at)).all())
    shape = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")
    assert all(shape.match(value) for value in raw.values()), raw
    assert {read[key].tzinfo for key in read} == {timezone.utc}
    assert read["e1"] == read["e2"] <= read["e3"] <= read["orm"]
