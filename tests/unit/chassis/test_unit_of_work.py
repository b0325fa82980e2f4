import json
from decimal import Decimal

import pytest
from marshmallow import Schema, fields
from sqlalchemy import select

from services.chassis.models import OutboxEvent
from tests.unit.chassis.fakes import make_db


class Priced(Schema):
    amount = fields.Decimal(as_string=True, required=True)
    name = fields.String(required=True)


@pytest.fixture
def db(memory_engine):
    return make_db(memory_engine, event_schemas={"priced": Priced()})


def outbox(db):
    with db.read_only() as session:
        return session.execute(select(OutboxEvent.sequence, OutboxEvent.payload, OutboxEvent.actor,
                                      OutboxEvent.sent_at).order_by(OutboxEvent.sequence)).all()


def test_events_commit_with_sequences_and_are_handed_to_the_relay(db):
    with db.unit_of_work(actor="u1") as uow:
        uow.emit("priced", {"amount": Decimal("10.50"), "name": "上海 🚀"})
        uow.emit("priced", {"amount": Decimal("1"), "name": "b"})
    rows = outbox(db)
    assert [row.sequence for row in rows] == [1, 2]
    assert json.loads(rows[0].payload) == {"amount": "10.50", "name": "上海 🚀"}   # Decimal → string
    assert rows[0].actor == "u1" and rows[0].sent_at is None
    assert db.relay.published == [1, 2]


def test_an_exception_rolls_back_and_publishes_nothing(db):
    with pytest.raises(ZeroDivisionError):
        with db.unit_of_work() as uow:
            uow.emit("priced", {"amount": Decimal("1"), "name": "x"})
            1 / 0
    assert outbox(db) == [] and db.relay.published == []
    with db.unit_of_work() as uow:
        uow.emit("priced", {"amount": Decimal("1"), "name": "x"})
    assert [row.sequence for row in outbox(db)] == [1]          # no gap left by the rollback


def test_an_event_without_a_published_schema_is_refused(db):
    with pytest.raises(KeyError):
        with db.unit_of_work() as uow:
            uow.emit("not_in_the_contract", {})
    assert outbox(db) == []


def test_a_unit_with_many_events_writes_them_in_emit_order(db):
    with db.unit_of_work(actor="importer") as uow:
        for n in range(1200):
            uow.emit("priced", {"amount": Decimal(n), "name": f"n{n}"})
    rows = outbox(db)
    assert [row.sequence for row in rows] == list(range(1, 1201))
    assert [json.loads(row.payload)["name"] for row in rows] == [f"n{n}" for n in range(1200)]
    assert {row.actor for row in rows} == {"importer"} and db.relay.published == list(range(1, 1201))


class Loose(Schema):
    value = fields.Raw(required=True)


@pytest.mark.parametrize("value", [
    {"name": "上海 🚀 \u2028 \"q\" \\", "n": 1.1, "big": 10 ** 20, "f": 1e-7, "nan": float("nan")},
    [("a", 1), None, True, {"nested": ["ü"]}],
    {1: "int key", "2": "str key"},
])
def test_a_payload_is_stored_as_the_text_its_json_round_trip_gave(memory_engine, value):
    """emit encodes the dump once; the row holds the same text the former check
    (json.loads(json.dumps(dump))) followed by the row's json.dumps produced."""
    db = make_db(memory_engine, event_schemas={"loose": Loose()})
    with db.unit_of_work() as uow:
        uow.emit("loose", {"value": value})
    (row,) = outbox(db)
    dumped = Loose().dump({"value": value})
    assert row.payload == json.dumps(json.loads(json.dumps(dumped)), ensure_ascii=False)


def test_a_payload_that_is_not_plain_json_fails_at_emit(memory_engine):
    db = make_db(memory_engine, event_schemas={"loose": Loose()})
    with pytest.raises(TypeError):
        with db.unit_of_work() as uow:
            uow.emit("loose", {"value": {"when": object()}})
    assert outbox(db) == [] and db.relay.published == []
