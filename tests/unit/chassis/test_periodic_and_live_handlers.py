"""The chassis's periodic jobs (interval read at container start, a failing round logged and
survived) and the live event handlers it makes from a service's subscriptions."""
import logging

import pytest
from nameko.events import EventHandler
from nameko.testing.services import entrypoint_hook

from services.chassis.inbox import Subscriptions
from services.chassis.periodic import PeriodicTimer, periodic
from services.chassis.service import ChassisService


def ignore(uow, envelope):
    pass


class Ticker(ChassisService):
    name = "ticker"
    subscriptions = Subscriptions({"identity": {"user_created": ignore},
                                   "sales": {"deal_won": ignore, "deal_lost": ignore}})
    rounds = []

    def on_identity_events(self, envelopes):           # hand-written: left alone
        return "mine"

    @periodic(lambda: float(__import__("os").environ.get("TICK_SECONDS", "3600")))
    def tick(self, fail=False):
        if fail:
            raise RuntimeError("database away")
        self.rounds.append("tick")
        return "ticked"


def entrypoints(cls, kind):
    return {name: entrypoint for name in dir(cls)
            for entrypoint in getattr(getattr(cls, name), "nameko_entrypoints", ())
            if isinstance(entrypoint, kind)}


def test_a_method_already_defined_under_the_handlers_name_is_left_alone():
    handlers = entrypoints(Ticker, EventHandler)
    assert sorted(handlers) == ["on_sales_events"]
    assert Ticker.on_identity_events(None, []) == "mine"


class Batcher(ChassisService):
    name = "batcher"
    subscriptions = Subscriptions({"sales": {"deal_won": ignore, "deal_lost": ignore},
                                   "identity": {"user_created": ignore}})
    applied = []

    def consume_event(self, envelope):
        if envelope.get("bad"):
            raise RuntimeError("bad event")
        self.applied.append(envelope["n"])
        return "processed"


def test_one_batched_handler_per_source_and_a_bad_event_costs_only_itself():
    """One queue per source, every subscribed type of it bound there: the producer's order
    across its event types is the queue's (one handler per type would lose it)."""
    from services.chassis.queues import BatchEventHandler
    handlers = entrypoints(Batcher, BatchEventHandler)
    assert sorted(handlers) == ["on_identity_events", "on_sales_events"]
    assert handlers["on_sales_events"].source_service == "sales"
    assert handlers["on_sales_events"].event_types == ("deal_won", "deal_lost")
    assert not entrypoints(Batcher, EventHandler).keys() - handlers.keys(), "no per-type handler"
    service = Batcher()
    service.metrics = type("NoMetrics", (), {"event_consumed": lambda *args: None,
                                         "events_consumed": lambda *args: None})()
    Batcher.applied = []
    assert service.on_sales_events([{"n": 1}, {"n": 2}]) == ["processed", "processed"]
    # with its own consume_event, each is committed on its own; a failure sends the batch one
    # by one
    assert service.on_sales_events([{"n": 3}, {"n": 4, "bad": True}, {"n": 5}]) == [
        "processed", "failed", "processed"]
    assert Batcher.applied == [1, 2, 3, 3, 5]     # 3 again: a real inbox makes it a duplicate


@pytest.mark.parametrize("queue_type", ["classic", "quorum"])
def test_a_batched_queue_per_source_bound_to_its_types_with_a_single_active_consumer(
        queue_type, container_factory, monkeypatch):
    """The declaration (no broker: the entrypoint's setup builds the kombu Queue); the broker's
    view of it: tests/integration/chassis/test_batch_handlers.py."""
    from services.chassis import queues
    monkeypatch.setenv("QUEUE_TYPE", queue_type)
    container = container_factory(Batcher, {"AMQP_URI": "memory://"})
    [handler] = [ext for ext in container.entrypoints
                 if isinstance(ext, queues.BatchEventHandler) and ext.source_service == "sales"]
    handler.setup()
    queue = handler.queue
    assert queue.name == "evt-sales--batcher.batch" == queues.batch_queue_name("sales", "batcher")
    assert queue.durable and not queue.auto_delete and not queue.exclusive
    quorum = {} if queue_type == "classic" else queues.quorum_arguments(dead_letter=True)
    assert queue.queue_arguments == {"x-single-active-consumer": True, **quorum}
    assert sorted((b.exchange.name, b.exchange.type, b.routing_key) for b in queue.bindings) == [
        ("sales.events", "topic", "#.deal_lost.#"), ("sales.events", "topic", "#.deal_won.#")]


def test_one_event_type_from_two_sources_goes_to_each_sources_queue():
    class Twice(ChassisService):
        name = "twice"
        subscriptions = Subscriptions({"identity": {"user_created": ignore},
                                       "other": {"user_created": ignore}})
    from services.chassis.queues import BatchEventHandler
    handlers = entrypoints(Twice, BatchEventHandler)
    assert {name: (h.source_service, h.event_types) for name, h in handlers.items()} == {
        "on_identity_events": ("identity", ("user_created",)),
        "on_other_events": ("other", ("user_created",))}


def test_the_interval_is_read_when_the_container_starts(container_factory, monkeypatch):
    monkeypatch.setenv("TICK_SECONDS", "1234")
    container = container_factory(Ticker, {"AMQP_URI": "memory://"})
    container.start()
    [timer] = [ext for ext in container.entrypoints if isinstance(ext, PeriodicTimer)
               and ext.method_name == "tick"]
    assert timer.interval == 1234.0


def test_a_failing_round_is_logged_once_and_survived(container_factory, caplog):
    container = container_factory(Ticker, {"AMQP_URI": "memory://"})
    container.start()
    with caplog.at_level(logging.WARNING):
        with entrypoint_hook(container, "tick") as tick:
            assert tick(fail=True) is None
            assert tick() == "ticked"
    failed = [r for r in caplog.records if "ticker.tick failed" in r.getMessage()]
    assert len(failed) == 1 and failed[0].levelno == logging.WARNING


def test_the_interval_must_be_a_setting_function():
    with pytest.raises(TypeError):
        periodic(60)


class CountingDb:
    """Just enough of Database for mark_each: sessions and units of work that do nothing."""

    class _Nothing:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def read_only(self):
        return self._Nothing()

    def unit_of_work(self):
        return self._Nothing()


def test_mark_each_pages_until_a_short_page_and_counts_only_claims():
    from services.chassis.periodic import mark_each
    pending = list(range(7))
    claimed = []

    def find(_session, limit):
        return pending[:limit]

    def mark(_uow, key):
        pending.remove(key)
        if key % 3:                      # 0, 3, 6: another replica got there first
            claimed.append(key)
            return True
        return False
    assert mark_each(CountingDb(), find, mark, "things", batch=3) == 4
    assert pending == [] and claimed == [1, 2, 4, 5]


def test_mark_each_stops_on_a_full_page_that_marks_nothing():
    from services.chassis.periodic import mark_each
    calls = []

    def find(_session, limit):
        calls.append(limit)
        return [1, 2]                    # stuck: never drops out
    assert mark_each(CountingDb(), find, lambda uow, key: False, "things", batch=2) == 0
    assert calls == [2]
