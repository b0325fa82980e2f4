"""Events applied in each producer's order, live as well as in the catch-up.

An audit entry says "from what": the state just before the change. That holds only if a
record's events are applied in the order they happened. The catch-up (services/chassis/inbox.py)
reads a producer's log in sequence order; the live handlers do not (one queue per event type,
several workers), so a live event is applied only when it is the very next one of its producer
(its sequence = the consumer position + 1, read under a lock in the same transaction that
applies it and moves the position). A live event that is not next first waits a moment for its
predecessor (usually being applied by another worker right now: one transaction's events
arrive on several queues at once); if it does not come, the event is left to the catch-up, run
at once: the producer publishes after its commit and its sequences are commit-ordered, so
everything before that event is already in its log.

Live events come in batches (one queue per producer, in its order: the chassis's): a batch's
events that continue the position are applied in one transaction (consume_batch_in_order), the
rest after a gap by a catch-up up to the batch's last sequence (services/audit/service.py).
"""
import logging
import time

import eventlet

from services.audit import trail
from services.chassis import inbox
from services.chassis.db import insert_ignoring_conflicts
from services.chassis.models import ConsumerPosition

log = logging.getLogger(__name__)

OUT_OF_ORDER = "out_of_order"
# How long a live event waits for its predecessor before asking the producer's log: long
# enough for a concurrent worker's commit, short enough not to hold a worker (measured on
# PostgreSQL: without it, 265 of 600 events of two-event transactions went to a catch-up).
PREDECESSOR_WAIT_SECONDS = 0.25
POLL_SECONDS = 0.01


class _NotNext(Exception):
    """Rolls the unit of work back: the inbox row must not stay, so the catch-up applies it."""


def consume_in_order(db, subscriptions, envelope):
    """PROCESSED, DUPLICATE, IGNORED, or OUT_OF_ORDER (nothing written); raises if the effect
    fails (nothing written either: the catch-up retries it)."""
    source = envelope["source"]
    apply = subscriptions.handler_for(source, envelope["event_type"])
    if apply is None:
        return inbox.IGNORED
    try:
        with db.unit_of_work(actor=f"event:{source}") as uow:
            # The position first, locked, then the inbox row — the batch's order
            # (consume_batch_in_order): the other way round, a batch holding the position and
            # waiting for this event's uncommitted inbox row would deadlock with this one
            # (PostgreSQL; a standby taking over while the old consumer falls back event by
            # event). On SQLite the position's upsert takes the write lock before any read.
            position = _locked_position(uow.session, source)
            if not inbox.record_new(uow.session, [envelope]):
                return inbox.DUPLICATE
            if position.last_sequence != envelope["sequence"] - 1:
                raise _NotNext()
            apply(uow, envelope)
            position.last_sequence = envelope["sequence"]
            position.last_error = None
    except _NotNext:
        return OUT_OF_ORDER
    return inbox.PROCESSED


def wait_for_predecessor(db, envelope, timeout=PREDECESSOR_WAIT_SECONDS):
    """True once the consumer position has reached the event's predecessor (within `timeout`)."""
    deadline = time.monotonic() + timeout
    while True:
        with db.read_only() as session:
            row = session.get(ConsumerPosition, envelope["source"])
            if row is not None and row.last_sequence >= envelope["sequence"] - 1:
                return True
        if time.monotonic() >= deadline:
            return False
        eventlet.sleep(POLL_SECONDS)


def _locked_position(session, source):
    insert_ignoring_conflicts(session, ConsumerPosition, {"source": source, "last_sequence": 0},
                              ("source",))
    return session.get(ConsumerPosition, source, with_for_update=True, populate_existing=True)


def consume_batch_in_order(db, subscriptions, envelopes):
    """One producer's live batch, in the order its queue delivered it (the chassis's: one
    queue per producer, so its order), in ONE transaction: the events that continue the consumer
    position are applied one after another (an event at or below it, or repeated in the batch,
    is a DUPLICATE); from the first gap on nothing is applied (OUT_OF_ORDER: a missed or
    late-published event comes first — the caller reads it from the producer's log). Raises if
    an effect fails (nothing of the batch is written)."""
    source = envelopes[0]["source"]
    outcomes, run = [None] * len(envelopes), []
    with db.unit_of_work(actor=f"event:{source}") as uow:
        # The position first, locked: on SQLite its upsert takes the write lock before any read.
        position = _locked_position(uow.session, source)
        next_sequence, gap = position.last_sequence + 1, False
        for index, envelope in enumerate(envelopes):
            sequence = envelope["sequence"]
            if sequence < next_sequence:
                outcomes[index] = inbox.DUPLICATE
            elif gap or sequence > next_sequence:
                gap, outcomes[index] = True, OUT_OF_ORDER
            else:
                apply = subscriptions.handler_for(source, envelope["event_type"])
                # an event type not consumed moves the position, as in the catch-up
                outcomes[index] = inbox.IGNORED if apply is None else inbox.DUPLICATE
                if apply is not None:
                    run.append((index, apply, envelope))
                next_sequence += 1
        # Already in the inbox while the position is behind: a catch-up applied it and has not
        # saved its position yet — a duplicate, and the position moves past it all the same.
        new = inbox.record_new(uow.session, [envelope for _i, _a, envelope in run]) if run else ()
        trail.preload(uow, [envelope for _i, _a, envelope in run
                                    if envelope["event_id"] in new])
        for index, apply, envelope in run:
            if envelope["event_id"] in new:
                apply(uow, envelope)
                outcomes[index] = inbox.PROCESSED
        if next_sequence - 1 > position.last_sequence:
            position.last_sequence, position.last_error = next_sequence - 1, None
    return outcomes


def consume_one_by_one(db, subscriptions, envelopes):
    """A batch that failed as a whole: event by event in order, up to the first that fails
    (FAILED, logged) or is not next; that one and the rest are the catch-up's (OUT_OF_ORDER)."""
    outcomes = []
    for envelope in envelopes:
        try:
            outcome = consume_in_order(db, subscriptions, envelope)
        except Exception:
            log.exception("event %s from %s (sequence %s) failed; the catch-up will retry it",
                          envelope.get("event_type"), envelope.get("source"),
                          envelope.get("sequence"))
            outcome = inbox.FAILED
        outcomes.append(outcome)
        if outcome in (inbox.FAILED, OUT_OF_ORDER):
            break
    return outcomes + [OUT_OF_ORDER] * (len(envelopes) - len(outcomes))
