"""Batched event handlers (queues.batch_event_handler) against the real broker: a burst of
events arrives in lists of at most EVENT_BATCH_SIZE, in the queue's order, each event exactly
once and every message acknowledged; a lone event is not held longer than the batch wait; and
what a stopping service still holds in a batch goes back to the queue for the next one."""
import time

import pytest
from nameko.standalone.events import event_dispatcher

from services.chassis import queues
from tests.helpers import wait_until

seen = {"batches": [], "hold": None}


class Batched:
    name = "batched"

    @queues.batch_event_handler("feeder", "item_made")
    def on_item(self, bodies):
        if seen["hold"] is not None:
            seen["hold"].wait()
        seen["batches"].append([body["n"] for body in bodies])


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.setenv("EVENT_BATCH_SIZE", "10")
    monkeypatch.setenv("EVENT_BATCH_WAIT_SECONDS", "0.2")
    seen.update(batches=[], hold=None)


def _received():
    return [n for batch in seen["batches"] for n in batch]


def test_a_burst_arrives_in_batches_in_order_each_event_once(container_factory, rabbit_config):
    container_factory(Batched, rabbit_config).start()
    dispatch = event_dispatcher(rabbit_config)
    for n in range(35):
        dispatch("feeder", "item_made", {"n": n})
    wait_until(lambda: len(_received()) == 35, timeout=15, message="35 events handled")
    assert sorted(_received()) == list(range(35))
    assert all(1 <= len(batch) <= 10 for batch in seen["batches"]), seen["batches"]
    assert any(len(batch) > 1 for batch in seen["batches"]), seen["batches"]
    assert all(batch == sorted(batch) for batch in seen["batches"]), "a batch keeps the queue's order"


def test_a_lone_event_waits_no_longer_than_the_batch_wait(container_factory, rabbit_config):
    container_factory(Batched, rabbit_config).start()
    dispatch = event_dispatcher(rabbit_config)
    dispatch("feeder", "item_made", {"n": 0})        # declares nothing: the queue exists already
    wait_until(lambda: _received() == [0], timeout=10, message="the first event")
    started = time.monotonic()
    dispatch("feeder", "item_made", {"n": 1})
    wait_until(lambda: _received() == [0, 1], timeout=10, message="the lone event")
    assert time.monotonic() - started < 2.0
    assert seen["batches"] == [[0], [1]]


def test_every_message_is_acknowledged(container_factory, rabbit_config):
    """A message left unacknowledged would be delivered again to the next consumer, ahead of
    a sentinel published after the restart."""
    container = container_factory(Batched, rabbit_config)
    container.start()
    dispatch = event_dispatcher(rabbit_config)
    for n in range(25):
        dispatch("feeder", "item_made", {"n": n})
    wait_until(lambda: len(_received()) == 25, timeout=15, message="25 events handled")
    container.stop()
    container_factory(Batched, rabbit_config).start()
    dispatch("feeder", "item_made", {"n": 99})
    wait_until(lambda: 99 in _received(), timeout=15, message="the sentinel")
    assert sorted(_received()) == list(range(25)) + [99]


def test_a_stopping_service_returns_what_it_holds(container_factory, rabbit_config):
    """Events waiting for their batch to fill when the service stops are not lost: the next
    consumer of the queue gets them."""
    from eventlet.event import Event
    seen["hold"] = Event()
    container = container_factory(Batched, {**rabbit_config, "max_workers": 1})
    container.start()
    dispatch = event_dispatcher(rabbit_config)
    for n in range(12):
        dispatch("feeder", "item_made", {"n": n})
    wait_until(lambda: len(container._worker_threads) == 1, timeout=10, message="a batch running")
    seen["hold"].send()
    container.stop()        # the running batch finishes; anything still waiting is returned
    seen["hold"] = None
    container_factory(Batched, rabbit_config).start()
    wait_until(lambda: sorted(_received()) == list(range(12)), timeout=15,
               message=f"all 12 events once (got {seen['batches']})")
