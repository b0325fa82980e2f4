"""A new or redefined segment's evaluation over every contact, after the edit, in chunks.

The edit only commits the definition and (re)starts the segment's backfill row (`start`, in
the edit's transaction): generation + 1, cursor at the beginning, `total` the contacts there
are. A timer (segments/entrypoints.py `evaluate_segments`, every replica) then runs `chunk`
until none is left: each chunk is its own short transaction over the next `size` contacts by
id after the persisted cursor, taking the locks an event takes — the chunk's customers' rows
(in id order), then the segment catalog *shared* — so events keep flowing while a backfill
runs; at most one chunk's duration is one event's wait.

Once across replicas, nothing skipped: a chunk starts by writing its backfill row (a no-op
UPDATE: the row lock on PostgreSQL, the write lock on SQLite), then reads the cursor. Two
replicas on one segment queue on that row; the second reads the cursor the first moved and
takes the next chunk. A crash rolls the chunk back with its cursor: the next round redoes it.
An edit meanwhile starts again from the beginning: it takes the row lock first too (so it
waits for a chunk in flight, and a chunk waits for it), bumps the generation and resets the
cursor. Lock order everywhere: backfill row → customers → catalog → segment rows.

Why every contact ends right, whoever touches it last: the edit commits the new definition
before any chunk runs, and a chunk and an event both evaluate a contact holding its customer's
row lock and the catalog shared — one after the other, each reading the other's committed
result and the definition now in force. An event during the backfill evaluates every segment
(the new definition included) for its contacts; a chunk coming later re-evaluates them on the
same committed state (no change), a chunk that came earlier is overwritten by the event's
newer truth. A contact created after the edit is evaluated by its own event; one created
before is in the chunks (its id is read inside the chunk's transaction).

What a chunk evaluates: the backfilled segment and those depending on it (graph.dependents),
the contact's other memberships read from segment_member (membership.reevaluate's `scope`).
A dependent whose own backfill runs at the same time is finished by whichever comes later.
"""
import json
import logging
import time

from sqlalchemy import func, select, update

from services.chassis.models import utcnow
from services.marketing.audience.models import AudienceContact
from services.marketing.segments import graph, membership
from services.marketing.segments.models import Segment, SegmentBackfill

EVALUATING, READY = "evaluating", "ready"
ROUND_SECONDS = 20.0            # one timer round's time; the next round carries on
log = logging.getLogger(__name__)


def run(db, size, deadline=None):
    """Chunks of every pending backfill in turn (each its own transaction) until none is left
    or `deadline` (time.monotonic) passed; the number of contacts evaluated."""
    evaluated = 0
    while deadline is None or time.monotonic() < deadline:
        with db.read_only() as session:
            segment_ids = pending(session)
        progressed = False
        for segment_id in segment_ids:
            with db.unit_of_work() as uow:
                done = chunk(uow.session, segment_id, size, utcnow())
            if done is not None:
                evaluated, progressed = evaluated + done, True
        if not progressed:
            break
    if evaluated:
        log.info("segments: %s contact(s) evaluated for new or changed definitions", evaluated)
    return evaluated


def start(session, segment_id, reason, now):
    """In the edit's transaction (after `lock` and the catalog): from the beginning."""
    total = session.scalar(select(func.count()).select_from(AudienceContact))
    row = session.get(SegmentBackfill, segment_id)
    if row is None:
        session.add(SegmentBackfill(segment_id=segment_id, generation=1, reason=reason,
                                    after_id="", evaluated=0, total=total, started_at=now))
        return
    row.generation += 1
    row.reason, row.after_id, row.evaluated, row.total = reason, "", 0, total
    row.started_at, row.finished_at = now, None


def lock(session, segment_id):
    """The segment's backfill row, locked before anything else (the lock order above)."""
    session.execute(update(SegmentBackfill).where(SegmentBackfill.segment_id == segment_id)
                    .values(generation=SegmentBackfill.generation)
                    .execution_options(synchronize_session=False))


def remove(session, segment_id):
    session.query(SegmentBackfill).filter(SegmentBackfill.segment_id == segment_id).delete(
        synchronize_session=False)


def pending(session):
    """The segments still being evaluated, the longest waiting first."""
    return list(session.scalars(select(SegmentBackfill.segment_id)
                                .where(SegmentBackfill.finished_at.is_(None))
                                .order_by(SegmentBackfill.started_at,
                                          SegmentBackfill.segment_id)))


def chunk(session, segment_id, size, now):
    """Evaluate the next `size` contacts of the segment's backfill; the number evaluated, or
    None if it has none left (finished, removed). Its own transaction: the caller's."""
    lock(session, segment_id)
    row = session.get(SegmentBackfill, segment_id, populate_existing=True)
    if row is None or row.finished_at is not None:
        return None
    ids = list(session.scalars(select(AudienceContact.id).where(AudienceContact.id > row.after_id)
                               .order_by(AudienceContact.id).limit(size)))
    if ids:
        membership.lock_customers_of(session, ids)
        membership.definitions_fixed(session)
        membership.reevaluate(session, ids, row.reason, now,
                              scope=graph.dependents(_dependencies(session), segment_id))
        row.after_id, row.evaluated = ids[-1], row.evaluated + len(ids)
    if len(ids) < size:
        row.finished_at, row.total = now, row.evaluated
    return len(ids)


def _dependencies(session):
    return {segment_id: json.loads(include) + json.loads(exclude)
            for segment_id, include, exclude in session.execute(
                select(Segment.id, Segment.include, Segment.exclude))}


def unready(session):
    """The segments whose members are not all known yet: those being evaluated, and those
    including or excluding one of them (directly or through others)."""
    evaluating = pending(session)
    if not evaluating:
        return set()
    dependencies = _dependencies(session)
    return set().union(*(graph.dependents(dependencies, segment_id) for segment_id in evaluating))


def states(session, segment_ids):
    """{segment id: {status, evaluated, total}} for the API: `evaluated` / `total` of its own
    last evaluation; `evaluating` while it, or a segment it depends on, is being evaluated."""
    rows = {row.segment_id: row for row in session.scalars(
        select(SegmentBackfill).where(SegmentBackfill.segment_id.in_(list(segment_ids))))}
    waiting = unready(session)
    return {segment_id: state(rows.get(segment_id), segment_id in waiting)
            for segment_id in segment_ids}


def state(row, waiting=False):
    if row is None:                         # defined before backfills existed: evaluated at once
        return {"status": EVALUATING if waiting else READY, "evaluated": 0, "total": 0}
    return {"status": EVALUATING if waiting else READY,
            "evaluated": row.evaluated, "total": max(row.total, row.evaluated)}
