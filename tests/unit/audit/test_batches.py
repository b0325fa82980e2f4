"""Audit's live path in batches (the chassis's: one queue per producer, in its order): the
events that continue the position are applied in one transaction, the rest after a gap by a
catch-up up to the batch's end — every "from what" still the state just before the change."""
import pytest
from sqlalchemy import event

from services.audit import ordering
from services.audit.service import AuditService
from services.chassis import inbox
from services.chassis.inbox import LiveProgress
from tests.unit.audit.support import SUBSCRIPTIONS, Log, audit_db, customer, entries
from tests.unit.audit.test_trail import customers_log
from tests.unit.chassis.test_inbox_batches import CountingDb


@pytest.fixture
def db(memory_engine):
    return audit_db(memory_engine)


CHANGES = [  # customers_log's trail after the creation, in its order
    ("customer", "c-1", "changed", "lifecycle_stage", '"lead"', '"prospect"', "u-rep1"),
    ("customer", "c-1", "changed", "name", '"Acme"', '"Acme Ltd"', "u-rep1"),
    ("customer", "c-1", "changed", "tags", "[]", '["vip"]', "u-rep1"),
    ("customer", "c-1", "changed", "owner_id", '"u-rep1"', '"u-rep2"', "u-mgr"),
]


class LogRpc:
    def __init__(self, log):
        self.log, self.calls = log, []

    def call(self, source, method, position, limit, **kwargs):
        assert (source, method) == (self.log.source, "events_since")
        self.calls.append((position, limit))
        return self.log.fetch(position, limit)


class NoMetrics:
    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def audit(db, log):
    service = AuditService()
    service.db, service.services, service.metrics = db, LogRpc(log), NoMetrics()
    service.live_progress = LiveProgress()
    return service


def test_a_batch_with_a_repeated_event_and_its_redelivery_record_each_once_in_one_transaction(db):
    events = customers_log().events
    counting = CountingDb(db)
    batch = [events[0], events[1], events[1], events[2], events[3], events[4]]
    assert ordering.consume_batch_in_order(counting, SUBSCRIPTIONS, batch) == [
        inbox.PROCESSED, inbox.PROCESSED, inbox.DUPLICATE, inbox.PROCESSED, inbox.PROCESSED,
        inbox.PROCESSED]
    assert counting.transactions == 1
    assert ordering.consume_batch_in_order(counting, SUBSCRIPTIONS, batch) == \
        [inbox.DUPLICATE] * 6                                   # the broker redelivers it
    assert entries(db, action="changed") == CHANGES
    assert inbox.positions(db) == {"customers": 5}


def test_a_batch_with_a_gap_applies_its_prefix_and_the_catch_up_the_rest_in_order(db):
    log = customers_log()
    first, second, third, fourth, fifth = log.events
    service = audit(db, log)
    # 3 never reached the queue (dropped): 1, 2 continue the position, 4 and 5 wait for it
    assert service.on_customers_events([first, second, fourth, fifth]) == [
        inbox.PROCESSED, inbox.PROCESSED, ordering.OUT_OF_ORDER, ordering.OUT_OF_ORDER]
    assert service.services.calls == [(2, 3)]                  # the log up to the batch's end
    assert entries(db, action="changed") == CHANGES             # each "from" the state before
    assert inbox.positions(db) == {"customers": 5}
    assert service.on_customers_events([third]) == [inbox.DUPLICATE]     # published late


def test_a_gap_is_filled_only_up_to_the_batch_so_the_queued_events_stay_the_queues(db):
    log = customers_log()
    first, second, third, fourth, fifth = log.events
    service = audit(db, log)
    assert service.on_customers_events([first, third]) == [inbox.PROCESSED, ordering.OUT_OF_ORDER]
    assert inbox.positions(db) == {"customers": 3}             # not 5: 4 and 5 are still queued
    assert service.on_customers_events([fourth, fifth]) == [inbox.PROCESSED, inbox.PROCESSED]
    assert entries(db, action="changed") == CHANGES


def test_the_periodic_catch_up_fills_a_gap_the_live_path_cannot_see(db):
    """The last event was dropped: no later live event shows the gap; the timer applies it."""
    log = customers_log()
    service = audit(db, log)
    assert service.on_customers_events(log.events[:4]) == [inbox.PROCESSED] * 4
    service.catch_up_events()                   # the live path delivered: up to its horizon
    assert inbox.positions(db) == {"customers": 4}
    service.catch_up_events()                   # quiet since: to the log's end
    assert entries(db, action="changed") == CHANGES


def test_a_failing_event_stops_the_batch_there_and_the_ones_before_it_go_in(db, monkeypatch):
    log = customers_log()
    service = audit(db, log)
    apply = SUBSCRIPTIONS.handler_for("customers", "customer_tagged")

    def failing(uow, envelope):
        raise ValueError("cannot apply")
    monkeypatch.setitem(service.subscriptions.mapping["customers"], "customer_tagged", failing)
    assert service.on_customers_events(log.events) == [
        inbox.PROCESSED, inbox.PROCESSED, inbox.PROCESSED, inbox.FAILED, ordering.OUT_OF_ORDER]
    assert inbox.positions(db) == {"customers": 3}
    monkeypatch.setitem(service.subscriptions.mapping["customers"], "customer_tagged", apply)
    service.catch_up_events()
    assert entries(db, action="changed") == CHANGES


def imported(log, count, start):
    """`count` imported customers: customer_created with its owner, then customer_assigned."""
    for n in range(start, start + count):
        log.emit("customer_created", customer(id=f"c-{n}", name=f"Import {n}"))
        log.emit("customer_assigned", {"id": f"c-{n}", "owner_id": "u-rep1",
                                       "previous_owner_id": None, "region": "north",
                                       "reason": "round_robin", "assigned_by": "system"})
    return log.events[-2 * count:]


def test_a_batchs_statements_do_not_grow_with_its_events(db, memory_engine):
    """The records a batch touches are read with one SELECT (trail.preload), not one per event:
    an import batch of 40 customers costs the statements of one of 5 (the rows themselves go
    out in one executemany per table at the commit). The effects are
    tests/integration/audit/test_batch_preload.py's."""
    log, statements = Log("customers"), []
    event.listen(memory_engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))
    counts = []
    for count in (5, 40):
        batch, statements[:] = imported(log, count, start=len(log.events)), []
        assert ordering.consume_batch_in_order(db, SUBSCRIPTIONS, batch) == \
            [inbox.PROCESSED] * len(batch)
        counts.append(len(statements))
        assert sum("FROM audit_records" in s for s in statements) == 1
    assert counts[0] == counts[1] <= 7
    assert len(entries(db, action="created")) == 45 and not entries(db, action="changed")
