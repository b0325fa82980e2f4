"""BatchPublisher against a real RabbitMQ: a batch published with one confirm wait arrives whole
and in order; the broker's nacks, a stale connection and a deadline each end as they should."""
import json
import time
import uuid

import eventlet
import pytest
from kombu import Connection, Exchange, Queue

from services.chassis import confirms
from services.chassis.confirms import BatchPublisher, Unconfirmed


@pytest.fixture
def broker(rabbit_config):
    """(publisher, a function reading the bound queue) on an exchange of this test's own."""
    uri = rabbit_config["AMQP_URI"]
    name = f"confirms-{uuid.uuid4().hex[:8]}"
    exchange = Exchange(name, type="topic", durable=True, auto_delete=True)
    publisher = BatchPublisher(uri, exchange, size=2)
    connection = Connection(uri)

    def bind(**arguments):
        queue = Queue(name, exchange=exchange, routing_key="#", auto_delete=True,
                      queue_arguments=arguments or None)
        queue(connection.default_channel).declare()
        return queue

    def read(queue, expected):
        got, deadline = [], time.monotonic() + 10
        while len(got) < expected and time.monotonic() < deadline:
            message = queue(connection.default_channel).get(no_ack=True)
            if message is None:
                eventlet.sleep(0.01)
                continue
            got.append(message)
        return got
    yield publisher, bind, read
    publisher.close()
    connection.release()


def batch(n):
    return [("note_written", json.dumps({"n": i}), f"id-{i}", {"sequence": i}) for i in range(n)]


def test_a_batch_is_confirmed_whole_and_arrives_in_order(broker):
    publisher, bind, read = broker
    queue = bind()
    assert publisher.publish(batch(200), timeout=10) == list(range(200))
    messages = read(queue, 200)
    assert [m.payload["n"] for m in messages] == list(range(200))
    first = messages[0]
    assert first.properties["message_id"] == "id-0" and first.headers == {"sequence": 0}
    assert first.delivery_info["routing_key"] == "note_written"
    assert first.properties["delivery_mode"] == 2 and first.content_type == "application/json"


def test_the_next_batch_on_the_same_connection_counts_its_own_confirms(broker):
    publisher, bind, read = broker
    bind()
    assert publisher.publish(batch(3), timeout=10) == [0, 1, 2]
    channel = publisher._idle[0]
    assert publisher.publish(batch(4), timeout=10) == [0, 1, 2, 3]
    assert publisher._idle == [channel] and channel.published == 7     # reused, tags 4..7


def test_messages_the_broker_refuses_are_not_confirmed(broker):
    publisher, bind, read = broker
    bind(**{"x-max-length": 2, "x-overflow": "reject-publish"})       # a full queue nacks
    assert publisher.publish(batch(5), timeout=10) == [0, 1]


def test_a_connection_gone_stale_while_idle_is_replaced(broker):
    publisher, bind, read = broker
    queue = bind()
    publisher.publish(batch(1), timeout=10)
    stale = publisher._idle[0]
    stale.connection.connection.transport.sock.close()       # as a broker restart leaves it
    assert publisher.publish(batch(2), timeout=10) == [0, 1]
    assert publisher._idle and publisher._idle[0] is not stale
    assert len(read(queue, 3)) == 3


def test_no_confirm_within_the_deadline_raises_with_what_was_confirmed(broker, monkeypatch):
    publisher, bind, read = broker
    bind()
    monkeypatch.setattr(confirms._ConfirmChannel, "publish",
                        lambda self, messages, batches: eventlet.sleep(30))   # never confirms
    started = time.monotonic()
    with pytest.raises(Unconfirmed) as raised:
        publisher.publish(batch(3), timeout=0.3)
    assert time.monotonic() - started < 2 and raised.value.confirmed == []
    assert publisher._idle == []            # the channel that timed out is not reused


def test_an_unreachable_broker_raises_unconfirmed():
    exchange = Exchange("nowhere", type="topic")
    publisher = BatchPublisher("amqp://guest:guest@127.0.0.1:1//", exchange)
    with pytest.raises(Unconfirmed):
        publisher.publish(batch(1), timeout=3)
