"""Batched event handlers (queues.batch_event_handler) against the real broker: a burst of
events arrives in lists of at most EVENT_BATCH_SIZE, in the queue's order, each event exactly
once and every message acknowledged; a lone event is not held longer than the batch wait; and
what a stopping service still holds in a batch goes back to the queue for the next one.

One queue per source: events of several types from one source are applied in the order the
source published them, batches of the queue one after another (never two at once), and one
replica at a time consumes the queue (single active consumer); the queue's bindings and
arguments as the broker has them."""
import json
import time

import eventlet
import pytest
from nameko.dependency_providers import Config
from nameko.events import get_event_exchange
from nameko.standalone.events import event_dispatcher

from services.chassis import queues
from services.chassis.confirms import BatchPublisher
from services.chassis.outbox import pack_routing_key
from tests.helpers import wait_until

seen = {"batches": [], "hold": None, "applied": [], "active": 0, "most_active": 0, "closed": []}
DESK_TYPES = ("ticket_created", "ticket_reassigned", "ticket_closed")
DESK_QUEUE = "evt-desk--ordered.batch"


class Batched:
    name = "batched"

    @queues.batch_event_handler("feeder", "item_made")
    def on_item(self, bodies):
        if seen["hold"] is not None:
            seen["hold"].wait()
        seen["batches"].append([body["n"] for body in bodies])


class Ordered:
    """A desk's events of three types on one queue; each batch takes a while (a transaction's
    commit), so that a second batch started before the first returned would overlap it."""
    name = "ordered"
    config = Config()

    @queues.batch_event_handler("desk", DESK_TYPES)
    def on_desk_events(self, bodies):
        seen["active"] += 1
        seen["most_active"] = max(seen["most_active"], seen["active"])
        try:
            eventlet.sleep(0.05)
            seen["batches"].append(len(bodies))
            seen["applied"] += [(self.config.get("REPLICA"), body["event_type"], body["n"])
                                for body in bodies]
        finally:
            seen["active"] -= 1


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.setenv("EVENT_BATCH_SIZE", "10")
    monkeypatch.setenv("EVENT_BATCH_WAIT_SECONDS", "0.2")
    seen.update(batches=[], hold=None, applied=[], active=0, most_active=0, closed=[])


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


def publish_desk(rabbit_config, tickets):
    """created / reassigned / (every other one) closed per ticket, interleaved across
    tickets as a busy desk writes them; returns [(type, n)] in the order published."""
    dispatch = event_dispatcher(rabbit_config)
    published = []
    for n in tickets:
        published.append(("ticket_created", n))
        if n > tickets[0]:
            published.append(("ticket_reassigned", n - 1))
        if n % 2:
            published.append(("ticket_closed", n - 1))
    published.append(("ticket_reassigned", tickets[-1]))
    for event_type, n in published:
        dispatch("desk", event_type, {"event_type": event_type, "n": n})
    return published


def publish_desk_in_packs(rabbit_config, runs):
    """`runs`: [(type, [n, ...])]: a run of several goes as one pack (a list body, as
    outbox.messages makes it), a run of one as a lone event; returns [(type, n)] in order."""
    return publish_desk_packs(rabbit_config, [[(event_type, n) for n in numbers]
                                              for event_type, numbers in runs])


def publish_desk_packs(rabbit_config, packs):
    """`packs`: [[(type, n), ...]], each a message: several events (of one type or mixed) as a
    list under outbox.pack_routing_key, one as a lone event; returns [(type, n)] in order."""
    publisher = BatchPublisher(rabbit_config["AMQP_URI"], get_event_exchange("desk", rabbit_config))
    published, messages = [], []
    for events in packs:
        bodies = [{"event_type": event_type, "n": n} for event_type, n in events]
        published += events
        key = pack_routing_key(event_type for event_type, _n in events)
        messages.append((key, json.dumps(bodies if len(bodies) > 1 else bodies[0]), None, {}))
    try:
        assert len(publisher.publish(messages, timeout=10)) == len(messages)
    finally:
        publisher.close()
    return published


def _applied(replica=None):
    return [(event_type, n) for who, event_type, n in seen["applied"]
            if replica is None or who == replica]


def test_a_sources_types_are_applied_in_its_order_one_batch_at_a_time(
        container_factory, rabbit_config):
    """One queue per (source, type) applied the reassignments apart from the creations (and
    two batches at once reordered them even on one queue): both fail here."""
    container_factory(Ordered, rabbit_config).start()
    published = publish_desk(rabbit_config, list(range(60)))
    wait_until(lambda: len(seen["applied"]) == len(published), timeout=30,
               message=f"{len(published)} events applied")
    assert _applied() == published, "applied in the order the source published them"
    assert max(seen["batches"]) > 1, seen["batches"]
    assert all(size <= 10 for size in seen["batches"]), seen["batches"]
    assert len(seen["batches"]) > 2, seen["batches"]
    assert seen["most_active"] == 1, "a queue's batches never overlap"


def test_packs_are_unpacked_in_order_into_batches_of_whole_messages(container_factory,
                                                                    rabbit_config):
    """A pack's events join the batch in their place in the queue; a batch takes whole messages
    up to EVENT_BATCH_SIZE events (10 here), a pack larger than that alone."""
    container_factory(Ordered, rabbit_config).start()
    published = publish_desk_in_packs(rabbit_config, [
        ("ticket_created", list(range(25))),                # larger than a batch
        ("ticket_reassigned", [0]),
        ("ticket_created", [25, 26, 27]),
        ("ticket_closed", [0]),
        ("ticket_reassigned", list(range(1, 8))),
        ("ticket_created", list(range(28, 34))),
        ("ticket_closed", [1, 2])])
    wait_until(lambda: len(seen["applied"]) == len(published), timeout=30,
               message=f"{len(published)} events applied")
    assert _applied() == published, "in the order published, each event once"
    assert 25 in seen["batches"], seen["batches"]           # the big pack, alone
    assert all(size <= 10 for size in seen["batches"] if size != 25), seen["batches"]
    assert seen["most_active"] == 1


class Closings:
    """A consumer of the desk's closings alone: mixed packs carry it the other types too."""
    name = "closings"

    @queues.batch_event_handler("desk", "ticket_closed")
    def on_desk_events(self, bodies):
        seen["closed"] += [(body["event_type"], body["n"]) for body in bodies]


def test_a_mixed_pack_reaches_every_queue_that_wants_one_of_its_types_which_keeps_its_own(
        container_factory, rabbit_config):
    """A live write's events of two types, and those of the writes published with it, travel as
    one message (outbox.messages): the queue bound to all three types applies every event in
    order; the one bound to closings alone gets the packs that hold a closing and keeps just
    those, in order."""
    container_factory(Ordered, rabbit_config).start()
    container_factory(Closings, rabbit_config).start()
    published = publish_desk_packs(rabbit_config, [
        [("ticket_created", 0), ("ticket_reassigned", 0), ("ticket_created", 1)],
        [("ticket_created", 2), ("ticket_closed", 0), ("ticket_reassigned", 1)],   # between
        [("ticket_reassigned", 2), ("ticket_closed", 1)],                           # last
        [("ticket_closed", 2), ("ticket_created", 3)],                              # first
        [("ticket_reassigned", 3), ("ticket_reassigned", 0)],                       # none
        [("ticket_closed", 3)]])                                                    # alone
    wait_until(lambda: len(seen["applied"]) == len(published), timeout=30,
               message=f"{len(published)} events applied")
    assert _applied() == published, "in the order published, each event once"
    closings = [event for event in published if event[0] == "ticket_closed"]
    wait_until(lambda: seen["closed"] == closings, timeout=15,
               message=f"the closings alone (got {seen['closed']})")


def test_the_prefetch_is_capped_in_messages_so_packs_bound_what_a_consumer_holds(
        monkeypatch, container_factory, rabbit_config, rabbit_manager):
    """Batches larger than the cap allows in messages (EVENT_BATCH_SIZE 10, at most 6 held):
    the broker hands over 6 messages at a time, a batch takes at most half of them (the other
    half arrives while it is applied), so single events make batches of at most 3; packs still
    fill a batch past the cap's 6 events up to 10, and every event is applied once, in order."""
    monkeypatch.setattr(queues, "MAX_HELD_MESSAGES", 6)
    container_factory(Ordered, rabbit_config).start()
    consumers = wait_until(lambda: rabbit_manager.get_queue(
        rabbit_config["vhost"], DESK_QUEUE)["consumer_details"], message="the consumer")
    assert [consumer["prefetch_count"] for consumer in consumers] == [6], "the cap, not 2 × 10"
    published = publish_desk(rabbit_config, list(range(20)))
    wait_until(lambda: len(seen["applied"]) == len(published), timeout=30,
               message=f"{len(published)} single events applied")
    assert all(size <= 3 for size in seen["batches"]), seen["batches"]
    assert max(seen["batches"]) > 1, seen["batches"]
    singles, seen["batches"] = len(seen["applied"]), []
    published += publish_desk_in_packs(rabbit_config, [
        ("ticket_created", list(range(20, 24))), ("ticket_created", list(range(24, 28))),
        ("ticket_closed", list(range(3, 9))), ("ticket_reassigned", list(range(9, 12)))])
    wait_until(lambda: len(seen["applied"]) == len(published), timeout=30,
               message=f"{len(published) - singles} events in packs applied")
    assert _applied() == published, "in the order published, each event once"
    assert max(seen["batches"]) > 6, f"packs fill a batch past the cap's 6: {seen['batches']}"
    assert all(size <= 10 for size in seen["batches"]), seen["batches"]


@pytest.mark.parametrize("queue_type", ["classic", "quorum"])
def test_one_queue_per_source_bound_to_its_types_with_a_single_active_consumer(
        queue_type, monkeypatch, container_factory, rabbit_config, rabbit_manager):
    monkeypatch.setenv("QUEUE_TYPE", queue_type)
    container_factory(Ordered, rabbit_config).start()
    vhost = rabbit_config["vhost"]
    queue = rabbit_manager.get_queue(vhost, DESK_QUEUE)
    quorum = {} if queue_type == "classic" else {
        "x-queue-type": "quorum", "x-delivery-limit": queues.DELIVERY_LIMIT,
        "x-dead-letter-exchange": queues.DEAD_LETTER_EXCHANGE}
    assert queue["durable"] and not queue["auto_delete"] and not queue["exclusive"]
    assert queue["type"] == queue_type
    assert queue["arguments"] == {"x-single-active-consumer": True, **quorum}
    bindings = {(b["source"], b["routing_key"]) for b in
                rabbit_manager.get_queue_bindings(vhost, DESK_QUEUE) if b["source"]}
    assert bindings == {("desk.events", f"#.{event_type}.#") for event_type in DESK_TYPES}
    consumers = wait_until(lambda: rabbit_manager.get_queue(vhost, DESK_QUEUE)["consumer_details"],
                           message="the consumer")
    assert [consumer["prefetch_count"] for consumer in consumers] == [20], "two batches"
    published = publish_desk(rabbit_config, list(range(10)))
    wait_until(lambda: _applied() == published, timeout=20, message="applied in order")


def test_one_replica_at_a_time_consumes_a_source_and_the_next_takes_over_in_order(
        container_factory, rabbit_config):
    """Competing consumers of one queue would apply its batches side by side: with the queue's
    single active consumer the second replica waits, and takes over when the first stops."""
    first = container_factory(Ordered, {**rabbit_config, "REPLICA": "a"})
    first.start()
    container_factory(Ordered, {**rabbit_config, "REPLICA": "b"}).start()
    published = publish_desk(rabbit_config, list(range(40)))
    wait_until(lambda: len(seen["applied"]) == len(published), timeout=30,
               message=f"{len(published)} events applied")
    assert _applied("a") == published and _applied("b") == []
    first.stop()
    later = publish_desk(rabbit_config, list(range(40, 60)))
    wait_until(lambda: _applied("b") == later, timeout=30, message="the second replica's turn")
    assert _applied() == published + later
    assert seen["most_active"] == 1
