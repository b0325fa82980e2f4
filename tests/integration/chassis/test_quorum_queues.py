"""QUEUE_TYPE=quorum against the real broker (a vhost per test): which queues become quorum, the
services work on them, a poison event is dead-lettered, a type change is refused with directions.

The rest of the integration suite runs on quorum queues with the same variable:
    QUEUE_TYPE=quorum scripts/test.sh tests/integration
"""
import json

import pytest
from eventlet.event import Event
from kombu import Connection
from nameko.events import BROADCAST
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_hook, entrypoint_waiter

from services.chassis import queues
from services.chassis.db import create_schema, make_engine
from services.chassis.rpc import rpc
from tests.helpers import wait_until
from tests.integration.chassis.toys import Copier, Notes, ToyBase

EVENT_QUEUE = "evt-notes--copier.batch"


class Listener(Copier):
    """The copier plus what must stay classic: a per-process broadcast queue (auto-delete,
    exclusive), as the gateway has for revoked tokens."""
    name = "listener"

    @queues.event_handler("notes", "note_written", handler_type=BROADCAST, reliable_delivery=False)
    def on_note_broadcast(self, envelope):
        return envelope["event_id"]

    @rpc
    def ping(self):
        return "pong"


@pytest.fixture
def databases(monkeypatch, tmp_path):
    for service in ("notes", "copier", "listener", "requeuer"):
        url = f"sqlite:///{tmp_path / service}.db"
        monkeypatch.setenv(f"{service.upper()}_DATABASE_URL", url)
        engine = make_engine(url)
        create_schema(engine, ToyBase.metadata)
        engine.dispose()


@pytest.fixture
def quorum(monkeypatch, databases):
    monkeypatch.setenv("QUEUE_TYPE", "quorum")


def broker_queues(rabbit_manager, rabbit_config):
    return {queue["name"]: queue for queue in rabbit_manager.get_queues(rabbit_config["vhost"])}


def test_durable_queues_are_quorum_and_the_rest_stay_classic(
        quorum, container_factory, rabbit_config, rabbit_manager):
    notes = container_factory(Notes, rabbit_config)
    listener = container_factory(Listener, rabbit_config)
    notes.start()
    listener.start()

    with entrypoint_waiter(listener, "on_notes_events"), \
            entrypoint_waiter(listener, "on_note_broadcast"):
        with entrypoint_hook(notes, "write_note") as write_note:
            write_note("n1", "on a quorum queue")
    with ServiceRpcProxy("listener", rabbit_config) as listener_rpc:
        assert listener_rpc.note_ids() == ["n1"]
        assert listener_rpc.ping() == "pong"

    found = broker_queues(rabbit_manager, rabbit_config)
    types = {name: queue["type"] for name, queue in found.items()}
    for name in ("rpc-notes", "rpc-listener", "evt-notes--listener.batch",
                 queues.DEAD_LETTER_QUEUE):
        assert types[name] == "quorum", name
    arguments = found["evt-notes--listener.batch"]["arguments"]
    assert arguments == {"x-queue-type": "quorum", "x-delivery-limit": queues.DELIVERY_LIMIT,
                         "x-dead-letter-exchange": queues.DEAD_LETTER_EXCHANGE,
                         "x-single-active-consumer": True}
    assert found["rpc-listener"]["arguments"] == {"x-queue-type": "quorum",
                                                  "x-delivery-limit": queues.DELIVERY_LIMIT}
    stay_classic = [name for name in types
                    if name.startswith(("rpc.reply-", "evt-notes-note_written--listener.on_note_broadcast-"))]
    assert len(stay_classic) >= 3       # two containers' reply queues, the proxy's, the broadcast
    assert {types[name] for name in stay_classic} == {"classic"}
    # per-consumer prefetch (quorum queues refuse global QoS): nameko's max_workers per consumer
    consumers = wait_until(lambda: rabbit_manager.get_queue(
        rabbit_config["vhost"], "rpc-listener")["consumer_details"], message="consumer details")
    assert [consumer["prefetch_count"] for consumer in consumers] == [listener.max_workers]


def dead_letter_count(rabbit_config):
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        return connection.default_channel.queue_declare(
            queues.DEAD_LETTER_QUEUE, passive=True).message_count


def take_dead_letters(rabbit_config):
    """[(body, headers)] of what the dead-letter queue holds (taken out of it)."""
    letters = []
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        channel = connection.default_channel
        while (message := channel.basic_get(queues.DEAD_LETTER_QUEUE, no_ack=True)) is not None:
            letters.append((message.body, message.headers))
    return letters


class Wedged(Copier):
    """A consumer that never finishes one event: each replica that takes it hangs until it is
    killed (a liveness probe, an OOM kill) — and on a classic queue the next one takes it."""
    name = "copier"
    arrivals = []

    def apply_events(self, envelopes):
        poison = [e["event_id"] for e in envelopes if e["payload"]["text"] == "poison"]
        if not poison:
            return super().apply_events(envelopes)
        self.arrivals.extend(poison)
        Event().wait()                          # never sent


def test_a_poison_event_is_dead_lettered_after_the_delivery_limit(
        quorum, container_factory, rabbit_config):
    Wedged.arrivals = []
    notes = container_factory(Notes, rabbit_config)
    notes.start()
    first = container_factory(Wedged, rabbit_config)
    first.start()
    with entrypoint_hook(notes, "write_note") as write_note:
        write_note("n1", "poison")

    replica, kills = first, 0
    while True:
        wait_until(lambda: len(Wedged.arrivals) > kills or dead_letter_count(rabbit_config),
                   message="the poison event delivered again, or dead-lettered")
        if dead_letter_count(rabbit_config):
            break
        replica.kill()                          # its unacked message returns to the queue
        kills += 1
        assert kills <= queues.DELIVERY_LIMIT + 1, "the delivery limit did not stop the loop"
        replica = container_factory(Wedged, rabbit_config)
        replica.start()

    assert kills == len(Wedged.arrivals) == queues.DELIVERY_LIMIT + 1
    ((body, death),) = take_dead_letters(rabbit_config)
    assert json.loads(body)["payload"] == {"id": "n1", "text": "poison"}
    assert death["x-first-death-queue"] == EVENT_QUEUE
    assert death["x-first-death-reason"] == "delivery_limit"
    # the queue is free again: the replica running now applies the next event
    with entrypoint_waiter(replica, "on_notes_events"):
        with entrypoint_hook(notes, "write_note") as write_note:
            write_note("n2", "after the poison")
    with entrypoint_hook(replica, "note_ids") as note_ids:
        assert note_ids() == ["n2"]


@pytest.mark.parametrize("before, after", [("classic", "quorum"), ("quorum", "classic")])
def test_changing_the_type_of_existing_queues_stops_the_start_with_directions(
        before, after, databases, monkeypatch, container_factory, rabbit_config):
    monkeypatch.setenv("QUEUE_TYPE", before)
    first = container_factory(Copier, rabbit_config)
    first.start()
    first.stop()

    monkeypatch.setenv("QUEUE_TYPE", after)
    with pytest.raises(queues.QueueMismatch) as refused:
        container_factory(Copier, rabbit_config).start()
    message = str(refused.value)
    # the broker names the first argument that differs (the type, or the dead-letter exchange)
    assert "PRECONDITION_FAILED - inequivalent arg" in message
    assert f"QUEUE_TYPE={after}" in message and "README" in message
    assert "'rpc-copier'" in message or f"'{EVENT_QUEUE}'" in message


def test_the_dead_letter_queue_keeps_the_event_as_published(
        quorum, container_factory, rabbit_config):
    """A handler that requeues on error (none of ours does: they leave failures to the
    catch-up) loops on a quorum queue only until the delivery limit."""
    attempts = []

    class Requeuer:
        name = "requeuer"

        @queues.event_handler("notes", "note_written", requeue_on_error=True)
        def on_note_written(self, envelope):
            attempts.append(envelope["event_id"])
            raise RuntimeError("cannot apply this one, ever")

    requeuer = container_factory(Requeuer, rabbit_config)
    requeuer.start()
    notes = container_factory(Notes, rabbit_config)
    notes.start()
    with entrypoint_hook(notes, "write_note") as write_note:
        write_note("n3", "rejected every time")

    wait_until(lambda: dead_letter_count(rabbit_config), message="the event dead-lettered")
    ((body, death),) = take_dead_letters(rabbit_config)
    assert json.loads(body)["payload"] == {"id": "n3", "text": "rejected every time"}
    assert death["x-first-death-queue"] == "evt-notes-note_written--requeuer.on_note_written"
    assert death["x-first-death-reason"] == "delivery_limit"
    assert len(attempts) == queues.DELIVERY_LIMIT + 1
