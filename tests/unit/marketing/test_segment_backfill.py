"""A new or redefined segment is evaluated after its edit, in chunks (segments/backfill.py):
the edit answers at once (evaluating), each chunk moves the persisted cursor, a crash in a
chunk is redone from the cursor, another edit meanwhile starts again from the beginning, only
the segment and those depending on it are evaluated, and the result equals an evaluation of
every segment from scratch."""
import pytest
from sqlalchemy import create_engine, delete, select

from services.chassis.auth import Principal
from services.marketing.audience.models import AudienceContact
from services.marketing.segments import backfill, membership
from services.marketing.segments.handlers import definitions
from services.marketing.segments.models import SegmentBackfill, SegmentMember
from tests.unit.marketing.support import (T0, Log, apply, contact, customer, evaluate_segments,
                                          marketing_db, updated)

MARKETER = Principal("u-mkt", "marketer")
NORTH = [[{"field": "region", "op": "eq", "value": "north"}]]
SOUTH = [[{"field": "region", "op": "eq", "value": "south"}]]


@pytest.fixture
def db():
    return marketing_db(create_engine("sqlite://"))


@pytest.fixture
def customers(db):
    """Seven contacts: c-1..c-6 (north, south alternating) and ct-1 (c-1's person)."""
    log = Log("customers")
    apply(db, *[log.emit("customer_created", customer(
        id=f"c-{n}", name=f"Customer {n}", region="north" if n % 2 else "south"))
        for n in range(1, 7)], log.emit("contact_added", contact()))
    return log


def write(db, function, *args):
    with db.unit_of_work(actor=MARKETER.user_id) as uow:
        return function(uow, MARKETER, *args)


def chunk(db, segment_id, size=3):
    with db.unit_of_work() as uow:
        return backfill.chunk(uow.session, segment_id, size, T0)


def state(db, segment_id):
    with db.read_only() as session:
        return definitions.get_segment(session, MARKETER, segment_id)


def members(db, segment_id):
    with db.read_only() as session:
        return sorted(session.scalars(select(SegmentMember.contact_id)
                                      .where(SegmentMember.segment_id == segment_id)))


def from_scratch_changes(db):
    """How many memberships a full evaluation of every segment for every contact would change."""
    with db.unit_of_work() as uow:
        ids = list(uow.session.scalars(select(AudienceContact.id)))
        changes = membership.reevaluate(uow.session, ids, "check", T0)
        uow.session.rollback()
    return changes


def test_the_edit_answers_at_once_and_chunks_walk_the_contacts_by_id(db, customers):
    segment = write(db, definitions.create_segment, {"name": "North", "kind": "dynamic",
                                                     "rules": NORTH})
    assert segment["evaluation"] == {"status": "evaluating", "evaluated": 0, "total": 7}
    assert segment["member_count"] == 0
    assert [chunk(db, segment["id"]) for _ in range(3)] == [3, 3, 1]
    assert chunk(db, segment["id"]) is None                 # finished: nothing more to claim
    after = state(db, segment["id"])
    assert after["evaluation"] == {"status": "ready", "evaluated": 7, "total": 7}
    assert members(db, segment["id"]) == ["c-1", "c-3", "c-5", "ct-1"]
    assert after["member_count"] == 4 and from_scratch_changes(db) == 0


def test_the_last_chunk_full_is_followed_by_an_empty_one_that_finishes(db, customers):
    segment = write(db, definitions.create_segment, {"name": "North", "kind": "dynamic",
                                                     "rules": NORTH})
    assert [chunk(db, segment["id"], size=7), chunk(db, segment["id"], size=7)] == [7, 0]
    assert state(db, segment["id"])["evaluation"]["status"] == "ready"


def test_a_crashed_chunk_is_redone_from_the_persisted_cursor(db, customers):
    segment = write(db, definitions.create_segment, {"name": "North", "kind": "dynamic",
                                                     "rules": NORTH})
    chunk(db, segment["id"])
    with pytest.raises(RuntimeError):
        with db.unit_of_work() as uow:                     # the process dies mid-chunk
            backfill.chunk(uow.session, segment["id"], 3, T0)
            raise RuntimeError("killed")
    with db.read_only() as session:
        row = session.get(SegmentBackfill, segment["id"])
        assert (row.after_id, row.evaluated) == ("c-3", 3)
    assert evaluate_segments(db, size=3) == 4              # another replica / a restart
    assert state(db, segment["id"])["evaluation"] == {"status": "ready", "evaluated": 7,
                                                      "total": 7}
    assert members(db, segment["id"]) == ["c-1", "c-3", "c-5", "ct-1"]


def test_an_edit_meanwhile_starts_again_from_the_beginning(db, customers):
    segment = write(db, definitions.create_segment, {"name": "North", "kind": "dynamic",
                                                     "rules": NORTH})
    chunk(db, segment["id"])
    assert members(db, segment["id"]) == ["c-1", "c-3"]
    changed = write(db, definitions.update_segment, segment["id"], {"rules": SOUTH})
    assert changed["evaluation"] == {"status": "evaluating", "evaluated": 0, "total": 7}
    with db.read_only() as session:
        row = session.get(SegmentBackfill, segment["id"])
        assert (row.generation, row.after_id, row.reason) == (2, "", "segment_updated")
    assert evaluate_segments(db) == 7
    assert members(db, segment["id"]) == ["c-2", "c-4", "c-6"]
    assert from_scratch_changes(db) == 0
    renamed = write(db, definitions.update_segment, segment["id"], {"name": "South"})
    assert renamed["evaluation"]["status"] == "ready"       # not redefined: nothing to evaluate


def test_an_event_during_the_backfill_applies_the_new_definition(db, customers):
    segment = write(db, definitions.create_segment, {"name": "North", "kind": "dynamic",
                                                     "rules": NORTH})
    chunk(db, segment["id"])                               # c-1, c-2, c-3
    apply(db, customers.emit("customer_updated", updated(["region"], id="c-6",
                                                         name="Customer 6", region="north")),
          customers.emit("customer_updated", updated(["region"], id="c-3",
                                                     name="Customer 3", region="south")))
    assert members(db, segment["id"]) == ["c-1", "c-6"]    # ahead of and behind the cursor
    evaluate_segments(db)
    assert members(db, segment["id"]) == ["c-1", "c-5", "c-6", "ct-1"]
    assert state(db, segment["id"])["member_count"] == 4 and from_scratch_changes(db) == 0


def test_only_the_segment_and_those_depending_on_it_are_evaluated(db, customers):
    south = write(db, definitions.create_segment, {"name": "South", "kind": "dynamic",
                                                   "rules": SOUTH})
    north = write(db, definitions.create_segment, {"name": "North", "kind": "dynamic",
                                                   "rules": NORTH})
    either = write(db, definitions.create_segment, {"name": "Not north", "kind": "dynamic",
                                                    "rules": [[{"field": "size", "op": "gte",
                                                                "value": 0}]],
                                                    "exclude": [north["id"]]})
    evaluate_segments(db)
    assert members(db, either["id"]) == ["c-2", "c-4", "c-6"]
    with db.unit_of_work() as uow:                         # a marker: untouched if not evaluated
        uow.session.execute(delete(SegmentMember).where(SegmentMember.segment_id == south["id"],
                                                        SegmentMember.contact_id == "c-2"))
    write(db, definitions.update_segment, north["id"], {"rules": SOUTH})
    with db.read_only() as session:
        assert backfill.pending(session) == [north["id"]]
    assert [state(db, s["id"])["evaluation"]["status"] for s in (south, north, either)] == [
        "ready", "evaluating", "evaluating"]                # `either` excludes north
    evaluate_segments(db)
    assert state(db, either["id"])["evaluation"]["status"] == "ready"
    assert members(db, north["id"]) == ["c-2", "c-4", "c-6"]
    assert members(db, either["id"]) == ["c-1", "c-3", "c-5", "ct-1"]   # depends on north
    assert "c-2" not in members(db, south["id"])           # not evaluated: not depending
    assert from_scratch_changes(db) == 1


def test_a_deleted_segment_leaves_no_backfill(db, customers):
    segment = write(db, definitions.create_segment, {"name": "North", "kind": "dynamic",
                                                     "rules": NORTH})
    write(db, definitions.delete_segment, segment["id"])
    assert chunk(db, segment["id"]) is None and evaluate_segments(db) == 0
    with db.read_only() as session:
        assert session.get(SegmentBackfill, segment["id"]) is None
