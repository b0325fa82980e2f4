"""Recording reads the active subscriptions once per transaction (recording.active_subscriptions),
not once per event: on webhooks' migrated database, SQLite and PostgreSQL, a batch records the
deliveries event-by-event recording records — per subscription the types it asked for, none for
an inactive one, none of the events before one existed — and an event nobody wants (nearly all
of a bulk import's) costs no statement of its own."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, select

from services.chassis import inbox
from services.chassis.db import make_engine
from services.webhooks.models import Base, Delivery, Subscription
from services.webhooks.service import WebhooksService
from tests.integration.webhooks.test_batched_recording import envelope
from tests.unit.chassis.fakes import make_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
SUBSCRIPTIONS = WebhooksService.subscriptions
WANTS = {  # id: (event types, active, created at)
    "s-created": ('["customer_created"]', True, T0 - timedelta(hours=1)),
    "s-other": ('["customer_assigned", "customer_updated"]', True, T0 - timedelta(hours=1)),
    "s-off": ('["customer_created"]', False, T0 - timedelta(hours=1)),
    "s-late": ('["customer_created"]', True, T0 + timedelta(minutes=10, seconds=30)),
}


@pytest.fixture
def dbs(dialect, migrated_database):
    engines = [make_engine(migrated_database("webhooks", dialect)) for _ in range(2)]
    dbs = [make_db(engine, Base.metadata, source="webhooks") for engine in engines]
    for db in dbs:
        with db.unit_of_work() as uow:
            uow.session.add_all(Subscription(
                id=key, url=f"https://example.com/{key}", event_types=types, secret="whsec_x",
                active=active, consecutive_failures=0, created_at=at, updated_at=at)
                for key, (types, active, at) in WANTS.items())
    yield dbs, engines
    for engine in engines:
        engine.dispose()


def imported(count):
    """An import's events: per customer customer_created then customer_assigned, a minute apart."""
    events = []
    for n in range(count):
        for event_type in ("customer_created", "customer_assigned"):
            events.append(envelope(len(events) + 1, event_type, f"c-{n}",
                                   T0 + timedelta(minutes=len(events))))
    return events


def recorded(db):
    with db.read_only() as session:
        return sorted((row.subscription_id, row.event_id, row.replay_id, row.source, row.sequence,
                       row.event_type, row.body, row.status, row.attempts)
                      for row in session.scalars(select(Delivery)))


@pytest.mark.dialect_sensitive
def test_a_batch_records_what_event_by_event_records(dbs):
    (batched, one_by_one), (engine, _) = dbs
    events = imported(12) + [envelope(25, "customer_updated", "c-0", T0 + timedelta(minutes=30))]
    reads = []
    event.listen(engine, "before_cursor_execute", lambda *args: reads.append(args[2])
                 if "FROM subscriptions" in args[2] else None)
    assert inbox.consume_all(batched, SUBSCRIPTIONS, events, advance_position=True) == \
        [inbox.PROCESSED] * len(events)
    assert len(reads) == 1, "the subscriptions once per transaction"
    for one in events:
        assert inbox.consume(one_by_one, SUBSCRIPTIONS, one) == inbox.PROCESSED
    assert recorded(batched) == recorded(one_by_one)
    per_subscription = {}
    for row in sorted(recorded(batched), key=lambda row: row[4]):
        per_subscription.setdefault(row[0], []).append(row[4])
    assert per_subscription == {"s-created": list(range(1, 25, 2)),
                                "s-other": list(range(2, 25, 2)) + [25],
                                "s-late": [13, 15, 17, 19, 21, 23]}     # occurred after it


def test_an_event_nobody_wants_costs_no_statement_of_its_own(dbs):
    (batched, _), (engine, _) = dbs
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    counts = []
    for count, start in ((3, 0), (30, 100)):
        events = [envelope(start + n + 1, "customer_merged", f"c-{n}", T0) for n in range(count)]
        statements[:] = []
        assert inbox.consume_all(batched, SUBSCRIPTIONS, events) == [inbox.PROCESSED] * count
        counts.append(len(statements))
    assert counts[0] == counts[1]
    assert recorded(batched) == []
