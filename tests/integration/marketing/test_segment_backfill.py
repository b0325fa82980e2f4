"""A segment's evaluation over every contact after its edit (segments/backfill.py) on migrated
SQLite and PostgreSQL databases: an event applied while the backfill runs is not held for the
backfill's duration and applies the new definition; two replicas running the timer at once
share the chunks — none evaluated twice, none skipped; the end equals a full evaluation of
every segment from scratch."""
import time

import eventlet
import pytest
from sqlalchemy import func, select

from bench.marketing_segments import customer_updated, fill
from services.chassis.auth import Principal
from services.chassis.db import make_engine
from services.chassis.models import utcnow
from services.marketing.audience.models import AudienceContact
from services.marketing.segments import backfill, membership
from services.marketing.segments.handlers import definitions
from services.marketing.segments.models import SegmentBackfill, SegmentMember
from tests.unit.marketing.support import apply, marketing_db

MARKETER = Principal("u-mkt", "marketer")
R1_A = [[{"field": "region", "op": "eq", "value": "R1"},
         {"field": "value_class", "op": "eq", "value": "A"}],
        [{"field": "tags", "op": "any", "value": ["education"]}]]
MOVED = "c-00000001"            # region R1, class B, untagged: moved to class A → a member


@pytest.fixture
def replicas(dialect, migrated_database):
    """Two services' database access to one migrated database (two replicas)."""
    url = migrated_database("marketing", dialect)
    engines = [make_engine(url) for _ in range(2)]
    yield [marketing_db(engine) for engine in engines]
    for engine in engines:
        engine.dispose()


def segment_with(db, contacts):
    fill(db.engine, contacts, batch=5_000)
    with db.unit_of_work(actor=MARKETER.user_id) as uow:
        return definitions.create_segment(uow, MARKETER, {"name": "R1 A or education",
                                                          "kind": "dynamic", "rules": R1_A})


def progress(db, segment_id):
    with db.read_only() as session:
        row = session.get(SegmentBackfill, segment_id, populate_existing=True)
        return row.evaluated, row.finished_at is not None


def members(db, segment_id):
    with db.read_only() as session:
        return set(session.scalars(select(SegmentMember.contact_id)
                                   .where(SegmentMember.segment_id == segment_id)))


def assert_equals_a_full_evaluation(db, segment_id):
    with db.unit_of_work() as uow:
        ids = list(uow.session.scalars(select(AudienceContact.id)))
        assert membership.reevaluate(uow.session, ids, "check", utcnow()) == 0
        uow.session.rollback()
    with db.read_only() as session:
        count = definitions.get_segment(session, MARKETER, segment_id)["member_count"]
        assert count == session.scalar(select(func.count()).select_from(SegmentMember)
                                       .where(SegmentMember.segment_id == segment_id))


@pytest.mark.dialect_sensitive
def test_an_event_between_chunks_applies_the_new_definition(replicas):
    db = replicas[0]
    segment = segment_with(db, 1_000)
    with db.unit_of_work() as uow:
        assert backfill.chunk(uow.session, segment["id"], 300, utcnow()) == 300
    assert MOVED not in members(db, segment["id"])
    apply(replicas[1], customer_updated(2, "R1", "A"))     # not waiting for the other chunks
    assert MOVED in members(db, segment["id"]) and progress(db, segment["id"]) == (300, False)
    assert backfill.run(db, 300) == 700
    assert progress(db, segment["id"]) == (1_000, True)
    assert MOVED in members(db, segment["id"])
    assert_equals_a_full_evaluation(db, segment["id"])


@pytest.mark.dialect_sensitive
@pytest.mark.parametrize("dialect", [pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_an_event_is_not_held_while_the_backfill_runs(replicas):
    db, other = replicas
    segment = segment_with(db, 20_000)
    running = eventlet.spawn(backfill.run, other, 500)
    deadline = time.monotonic() + 60
    while progress(db, segment["id"])[0] == 0:             # its first chunk committed
        assert time.monotonic() < deadline, "the backfill did not start"
        eventlet.sleep(0.01)
    apply(db, customer_updated(2, "R1", "A"))
    evaluated, finished = progress(db, segment["id"])
    assert not finished and evaluated < 20_000, "the event waited for the whole backfill"
    assert MOVED in members(db, segment["id"])
    assert running.wait() == 20_000
    assert MOVED in members(db, segment["id"])
    assert_equals_a_full_evaluation(db, segment["id"])


@pytest.mark.dialect_sensitive
def test_two_replicas_share_the_chunks_none_twice_none_skipped(replicas):
    segment = segment_with(replicas[0], 5_000)
    runs = [eventlet.spawn(backfill.run, db, 250) for db in replicas]
    done = [run.wait() for run in runs]
    assert sum(done) == 5_000                               # a chunk done twice would count twice
    assert progress(replicas[0], segment["id"]) == (5_000, True)
    assert_equals_a_full_evaluation(replicas[0], segment["id"])
