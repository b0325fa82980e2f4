"""A periodic catch-up round that reads a producer's log to its end takes only the events that
settled (CATCH_UP_SETTLE_SECONDS, outbox.settled_prefix): a burst the live path has not
delivered any of yet is left to the live queue instead of being applied ahead of it and then
paid again as duplicates (bench/FINDINGS.md, 2026-12-05). With a fixed clock: the producer's
own (`now`), which both the cutoff and the rows' times come from."""
import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import sessionmaker

from services.chassis import inbox, settings
from services.chassis.inbox import LiveProgress
from services.chassis.models import OutboxEvent
from services.chassis.outbox import Relay
from services.chassis.service import ChassisService
from services.reporting.service import ReportingService
from tests.unit.chassis.fakes import make_db
from tests.unit.chassis.test_inbox import SUBSCRIPTIONS, Base, event, seen

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)


def ago(seconds):
    return NOW - timedelta(seconds=seconds)


@pytest.fixture
def db(memory_engine):
    return make_db(memory_engine, Base.metadata)


def write(db, sequence, occurred, sent):
    """An outbox row of the producer (same in-memory database as the consumer's tables)."""
    with db.unit_of_work() as uow:
        uow.session.add(OutboxEvent(
            sequence=sequence, event_id=f"e{sequence}", event_type="thing_done", version=1,
            occurred_at=occurred, actor="system", sent_at=sent,
            payload=json.dumps({"id": f"t{sequence}", "fail": False})))


def producer_log(db):
    """The producer's Relay without its broker connection: events_since reads only its rows."""
    relay = Relay.__new__(Relay)
    relay.source, relay.sessionmaker = "producer", sessionmaker(bind=db.engine)
    return relay


def sequences(page):
    return [envelope["sequence"] for envelope in page]


def test_only_the_settled_prefix_is_served_and_settle_0_serves_everything(db):
    write(db, 1, ago(60), ago(60))
    write(db, 2, ago(60), ago(30))
    write(db, 3, ago(60), ago(5))       # written long ago, published 5 s ago (the sweep, late)
    write(db, 4, ago(60), ago(60))
    write(db, 5, ago(60), None)         # not marked sent, written a minute ago
    write(db, 6, ago(2), None)          # not marked sent, written a moment ago
    relay = producer_log(db)
    assert sequences(relay.events_since(0, 100, 10, now=NOW)) == [1, 2]     # a prefix: not 4, 5
    assert sequences(relay.events_since(0, 100, 0, now=NOW)) == [1, 2, 3, 4, 5, 6]
    assert sequences(relay.events_since(0, 100)) == [1, 2, 3, 4, 5, 6]
    assert sequences(relay.events_since(0, 100, 10, now=NOW + timedelta(seconds=5))) == [1, 2, 3, 4, 5]
    assert sequences(relay.events_since(3, 100, 10, now=NOW + timedelta(seconds=8))) == [4, 5, 6]
    assert sequences(relay.events_since(0, 2, 10, now=NOW + timedelta(seconds=60))) == [1, 2]


class ProducerRpc:
    """`self.services` of a consumer: the producer's events_since at the fixed clock."""

    def __init__(self, relay):
        self.relay, self.now, self.calls = relay, NOW, []

    def call(self, source, method, position, limit, **kwargs):
        assert (source, method) == ("producer", "events_since")
        self.calls.append(kwargs)
        return self.relay.events_since(position, limit, now=self.now, **kwargs)


class NoMetrics:
    def __getattr__(self, name):
        return lambda *args, **kwargs: None


class Consumer(ChassisService):
    name = "consumer"
    subscriptions = SUBSCRIPTIONS


def consumer(db):
    service = Consumer()
    service.db, service.metrics = db, NoMetrics()
    service.services = ProducerRpc(producer_log(db))
    service.live_progress = LiveProgress()
    return service


def test_a_burst_not_delivered_yet_is_left_to_the_live_queue(db, monkeypatch):
    """The round falls after the burst's publication, before the live path delivered any of it:
    nothing is applied ahead of the queue, so no live delivery is a duplicate; an event of the
    burst the queue never delivered is taken once it has settled."""
    monkeypatch.setenv("CATCH_UP_SETTLE_SECONDS", "10")
    for n in range(1, 7):
        write(db, n, ago(2), ago(2))
    service = consumer(db)
    service.catch_up_events()
    assert seen(db) == [] and inbox.positions(db) == {}
    assert service.services.calls == [{"min_age_seconds": 10.0}]
    outcomes = service.on_producer_events([event(n) for n in range(1, 6)])   # 6 was dropped
    assert outcomes == [inbox.PROCESSED] * 5
    service.services.now = NOW + timedelta(seconds=10)
    service.catch_up_events()               # the live path delivered: its horizon, 5
    service.catch_up_events()               # quiet: to the end, 6 is 12 s old
    assert seen(db) == [f"t{n}" for n in range(1, 7)]
    assert inbox.positions(db) == {"producer": 6}


def test_settle_0_reads_to_the_end_as_before(db, monkeypatch):
    monkeypatch.setenv("CATCH_UP_SETTLE_SECONDS", "0")
    for n in range(1, 6):
        write(db, n, ago(2), ago(2))
    service = consumer(db)
    service.catch_up_events()
    assert service.services.calls == [{}]                          # the plain call
    assert seen(db) == [f"t{n}" for n in range(1, 6)]
    assert service.on_producer_events([event(n) for n in range(1, 6)]) == [inbox.DUPLICATE] * 5


def test_below_the_live_horizon_a_young_missed_event_is_taken_at_once(db, monkeypatch):
    """The live path delivered 1 and 3: 2 was missed, however young — no settle below a horizon."""
    monkeypatch.setenv("CATCH_UP_SETTLE_SECONDS", "10")
    for n in range(1, 5):
        write(db, n, ago(1), ago(1))
    service = consumer(db)
    service.on_producer_events([event(1), event(3)])
    service.catch_up_events()
    assert service.services.calls == [{}]
    assert seen(db) == ["t1", "t2", "t3"] and inbox.positions(db) == {"producer": 3}


def test_the_settle_defaults_to_the_catch_up_interval_and_is_not_negative(monkeypatch):
    monkeypatch.delenv("CATCH_UP_SETTLE_SECONDS")
    monkeypatch.setenv("CATCH_UP_SECONDS", "7")
    assert settings.catch_up_settle() == 7.0
    monkeypatch.setenv("CATCH_UP_SETTLE_SECONDS", "-1")
    with pytest.raises(ValueError, match="CATCH_UP_SETTLE_SECONDS"):
        settings.catch_up_settle()


class RecordingRpc:
    def __init__(self):
        self.calls = []

    def call(self, source, method, *args, **kwargs):
        self.calls.append((source, method, args, kwargs))
        return []


class Principal:
    def set(self, principal):
        self.principal = principal


def test_reportings_periodic_round_reads_settled_events_and_its_jobs_everything(monkeypatch):
    """The same rule through the same code path (ChassisService.event_log); a rebuild's or
    reconcile's fixed target must be reached, so their reads are not cut."""
    monkeypatch.setenv("CATCH_UP_SETTLE_SECONDS", "10")
    service = ReportingService()
    service.principal, service.services = Principal(), RecordingRpc()
    service._producers(settled=True)[0]["customers"](0, 10)
    service._producers()[0]["customers"](0, 10)
    assert service.services.calls == [
        ("customers", "events_since", (0, 10), {"min_age_seconds": 10.0}),
        ("customers", "events_since", (0, 10), {})]
