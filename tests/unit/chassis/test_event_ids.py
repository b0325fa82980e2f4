"""Event ids are time-ordered UUIDs (version 7 layout): an id made later sorts after an earlier
one, so the indexes keyed on them (the outbox's, every inbox's, audit's entries') take new ids
at their right edge instead of at a random page (bench/FINDINGS.md, eighth session)."""
import time
import uuid

from marshmallow import Schema, fields
from sqlalchemy import select

from services.chassis.db import new_ordered_id
from services.chassis.models import OutboxEvent
from tests.unit.chassis.fakes import make_db

T0_MS = 1_767_225_600_000          # 2026-01-01T00:00:00Z, a fixed clock


class Named(Schema):
    name = fields.String(required=True)


def test_ids_made_later_sort_after_earlier_ones_as_text():
    ids = [new_ordered_id(T0_MS + step) for step in (0, 1, 2, 1000, 60_000, 86_400_000)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for event_id in ids:
        parsed = uuid.UUID(event_id)
        assert str(parsed) == event_id                      # canonical lower-case text
        assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
    assert ids[0].startswith("019b76da-a800-7")             # the milliseconds, then the version


def test_ids_of_one_millisecond_differ():
    assert len({new_ordered_id(T0_MS) for _ in range(1000)}) == 1000


def test_the_outbox_writes_time_ordered_ids(memory_engine):
    db = make_db(memory_engine, event_schemas={"named": Named()})
    before = time.time_ns() // 1_000_000
    with db.unit_of_work(actor="u1") as uow:
        uow.emit("named", {"name": "a"})
        uow.emit("named", {"name": "b"})
    after = time.time_ns() // 1_000_000
    with db.read_only() as session:
        ids = session.scalars(select(OutboxEvent.event_id).order_by(OutboxEvent.sequence)).all()
    assert len(ids) == 2
    for event_id in ids:
        assert uuid.UUID(event_id).version == 7
        assert before <= int(event_id[:8] + event_id[9:13], 16) <= after


