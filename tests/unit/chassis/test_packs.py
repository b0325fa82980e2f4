"""Packs (outbox.messages): a run of events of the packed types travels as one message under a
key naming its types, and only the batched consumers read packed types."""
import json
from datetime import datetime, timezone

import pytest

from nameko.containers import ServiceContainer
from nameko.events import EventHandler

from services import consumed_queues, registry
from services.chassis import queues
from services.chassis.db import Emitted
from services.chassis.outbox import PACK_SIZE, envelope, envelope_json, messages

AT = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)


def rows(*types):
    return [Emitted(sequence, f"e{sequence}", event_type, 1, AT, "u1", f'{{"n": {sequence}}}')
            for sequence, event_type in enumerate(types, start=1)]


def shape(result):
    """[(routing key, events in the body or None for a lone envelope, row indexes)]"""
    decoded = [(key, json.loads(body), indexes) for (key, body, _id, _headers), indexes in result]
    return [(key, [event["sequence"] for event in body] if isinstance(body, list) else None, indexes)
            for key, body, indexes in decoded]


def test_a_run_of_packed_types_is_one_message_other_events_one_each():
    batch = rows("created", "created", "assigned", "created", "assigned", "tagged", "tagged",
                 "created", "assigned", "assigned")
    assert shape(messages(batch, "customers", {"created", "assigned"})) == [
        ("created.assigned", [1, 2, 3, 4, 5], [0, 1, 2, 3, 4]),   # a live group: mixed
        ("tagged", None, [5]),                      # not a packed type: one message each
        ("tagged", None, [6]),
        ("created.assigned", [8, 9, 10], [7, 8, 9]),
    ]
    assert shape(messages(rows("assigned", "assigned", "created"), "customers",
                          {"created", "assigned"}))[0][0] == "assigned.created", "as they come"


def test_a_run_of_one_type_or_one_event_keeps_the_type_as_its_key():
    assert shape(messages(rows("created", "created", "tagged", "created"), "customers",
                          {"created"})) == [
        ("created", [1, 2], [0, 1]), ("tagged", None, [2]), ("created", None, [3])]


def test_a_batched_queue_binds_every_key_that_names_its_type():
    """'#' is zero or more words: the type alone and any pack key naming it, wherever it stands
    (against the broker: tests/integration/chassis/test_batch_handlers.py)."""
    assert queues.type_binding("customer_created") == "#.customer_created.#"
    for bad in ("", "a.b", "a*", "#"):
        with pytest.raises(ValueError):
            queues.type_binding(bad)


def test_a_pack_holds_the_envelopes_the_log_serves_and_says_how_many():
    batch = rows("created", "created")
    [((key, body, message_id, headers), indexes)] = messages(batch, "customers", {"created"})
    assert (key, message_id, indexes) == ("created", "e1", [0, 1])
    assert headers == {"event_type": "created", "sequence": 1, "events": 2}
    assert json.loads(body)[1] == {"event_id": "e2", "event_type": "created", "version": 1,
                       "occurred_at": "2026-12-05T12:00:00+00:00", "source": "customers",
                       "sequence": 2, "actor": "u1", "payload": {"n": 2}}


def test_the_wire_carries_the_stored_payload_text_as_is_in_the_envelope_the_log_serves():
    """The relay splices the payload the unit of work stored (JSON text) into the envelope's
    text instead of parsing it and encoding it again: the consumer decodes what events_since
    would have served, whatever the payload holds."""
    payload = json.dumps({"name": "上海 🚀 \"quoted\" \\ back", "tags": ["a", "b"], "none": None,
                          "nested": {"amount": "12.50", "n": 3}}, ensure_ascii=False)
    row = Emitted(7, "e7", "created", 2, AT, None, payload)
    text = envelope_json(row, "customers")
    assert payload in text                                    # spliced, not re-encoded
    assert json.loads(text) == envelope(row, "customers")
    [((_key, lone, _id, _headers), _)] = messages([row], "customers")
    assert json.loads(lone) == envelope(row, "customers")


def test_nothing_is_packed_unless_the_producer_says_so():
    assert shape(messages(rows("created", "created"), "customers")) == [
        ("created", None, [0]), ("created", None, [1])]


def test_a_long_run_is_cut_into_packs_of_at_most_the_pack_size():
    result = messages(rows(*["created"] * (2 * PACK_SIZE + 1)), "customers", {"created"})
    assert [len(indexes) for _message, indexes in result] == [PACK_SIZE, PACK_SIZE, 1]
    assert [i for _message, indexes in result for i in indexes] == list(range(2 * PACK_SIZE + 1))


def test_only_batched_consumers_listen_to_a_packed_type():
    """A plain nameko @event_handler would be handed a pack's list as one event: every handler
    of a packed type in the system must be a BatchEventHandler, which unpacks it."""
    packed = {(service.name, event_type) for service in registry.with_database()
              for event_type in consumed_queues.service_class(service).db.packed_events}
    assert ("customers", "customer_created") in packed         # the import's runs
    plain = set()
    for service in registry.SERVICES:
        container = ServiceContainer(consumed_queues.service_class(service),
                                     {"AMQP_URI": "memory://"})
        for entrypoint in container.entrypoints:
            if isinstance(entrypoint, EventHandler) and not isinstance(
                    entrypoint, queues.BatchEventHandler):
                plain.add((entrypoint.source_service, entrypoint.event_type))
    assert plain, "the gateway's token revocation, marketing's send batches at least"
    assert plain & packed == set()
