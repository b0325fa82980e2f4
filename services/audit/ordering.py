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
"""
import time

import eventlet

from services.chassis import inbox
from services.chassis.db import insert_ignoring_conflicts
from services.chassis.models import ConsumerPosition

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
            # The inbox row first: on SQLite it takes the write lock before anything is read.
            if not inbox.record_new(uow.session, [envelope]):
                return inbox.DUPLICATE
            position = _locked_position(uow.session, source)
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
