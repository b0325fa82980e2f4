"""QUEUE_TYPE: which queues become quorum, with which arguments (no broker needed)."""
import logging

import pytest
from kombu import Exchange, Queue

from services.chassis import queues, settings
from tests.helpers import free_port

EXCHANGE = Exchange("notes.events", type="topic", durable=True)


def service_queue():
    return Queue("evt-notes-note_written--copier.on_note_written", exchange=EXCHANGE,
                 routing_key="note_written", durable=True)


@pytest.mark.parametrize("value, expected", [(None, "classic"), ("", "classic"),
                                             ("classic", "classic"), (" Quorum ", "quorum")])
def test_queue_type_setting(value, expected, monkeypatch):
    if value is None:
        monkeypatch.delenv("QUEUE_TYPE", raising=False)
    else:
        monkeypatch.setenv("QUEUE_TYPE", value)
    assert settings.queue_type() == expected


def test_an_unknown_queue_type_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("QUEUE_TYPE", "stream")
    with pytest.raises(ValueError, match="QUEUE_TYPE must be 'classic' or 'quorum', not 'stream'"):
        settings.queue_type()


def test_classic_leaves_every_queue_as_declared(monkeypatch):
    monkeypatch.setenv("QUEUE_TYPE", "classic")
    queue = service_queue()
    assert queues.apply_queue_type(queue, dead_letter=True) is False
    assert not queue.queue_arguments


def test_quorum_event_queues_dead_letter_and_rpc_queues_do_not(monkeypatch):
    monkeypatch.setenv("QUEUE_TYPE", "quorum")
    event_queue, rpc_queue = service_queue(), Queue("rpc-copier", durable=True)
    assert queues.apply_queue_type(event_queue, dead_letter=True)
    assert queues.apply_queue_type(rpc_queue, dead_letter=False)
    assert event_queue.queue_arguments == {
        "x-queue-type": "quorum", "x-delivery-limit": queues.DELIVERY_LIMIT,
        "x-dead-letter-exchange": queues.DEAD_LETTER_EXCHANGE}
    assert rpc_queue.queue_arguments == {"x-queue-type": "quorum",
                                         "x-delivery-limit": queues.DELIVERY_LIMIT}


@pytest.mark.parametrize("options", [
    {"exclusive": True}, {"auto_delete": True}, {"durable": False},
    {"auto_delete": True, "exclusive": True},          # nameko's broadcast handlers
], ids=["exclusive", "auto-delete", "transient", "broadcast"])
def test_quorum_keeps_what_the_broker_refuses_as_quorum_classic(options, monkeypatch):
    monkeypatch.setenv("QUEUE_TYPE", "quorum")
    queue = Queue("q", exchange=EXCHANGE, **{"durable": True, **options},
                  queue_arguments={"x-expires": 300000})
    assert queues.apply_queue_type(queue, dead_letter=True) is False
    assert queue.queue_arguments == {"x-expires": 300000}


def test_a_queue_keeps_its_own_arguments_beside_the_quorum_ones(monkeypatch):
    monkeypatch.setenv("QUEUE_TYPE", "quorum")
    queue = Queue("q", durable=True, queue_arguments={"x-max-length": 1000})
    queues.apply_queue_type(queue, dead_letter=False)
    assert queue.queue_arguments["x-max-length"] == 1000
    assert queue.queue_arguments["x-queue-type"] == "quorum"


def test_a_broker_down_at_start_is_left_to_the_consumer(monkeypatch, caplog):
    """nameko's consumer waits for the broker; the early declaration must not make a service
    that starts during a broker outage exit instead."""
    monkeypatch.setenv("QUEUE_TYPE", "quorum")
    config = {"AMQP_URI": f"amqp://guest:guest@127.0.0.1:{free_port()}/"}
    with caplog.at_level(logging.WARNING, logger=queues.__name__):
        queues.prepare(service_queue(), config, dead_letter=True)
    assert "not declared at start: broker unreachable" in caplog.text
