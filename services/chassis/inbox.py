"""Idempotent consumption and catch-up.

Every event a service applies is recorded by `event_id` in its inbox, in the same transaction as
the effect, so a redelivered or replayed event changes nothing. Two paths feed the same function:

- live: batched event handlers, one ordered queue per source (low latency, but the broker drops
  events published before our queue existed, or while it was being recreated);
- catch-up: a timer reads each producer's event log (`events_since`) after the last position
  and applies what the live path missed. Producers' sequences are gapless and commit-ordered,
  so "everything up to position is applied" holds. A failing event stops the position there
  and is retried next round — never skipped silently. A page is applied in one transaction
  (one commit for hundreds of events); if it fails, it is applied again event by event.

The two paths must not race: while the live queue still holds a backlog, a catch-up reading
the log to its end applies those events first and every live delivery of them becomes a
duplicate, paid twice (FINDINGS.md, 2026-12-05: 9,472 of 20,000 events of an import on
PostgreSQL). `LiveProgress` notes how far the live path got; a round of a source the live path
delivered since the previous round stops there (`catch_up(until=...)`): what is below it and
not applied was really missed (a dropped message, a failed event), what is above it is most
likely still queued. Bounded: after MAX_DEFERRED_ROUNDS such rounds in a row, one reads to the
log's end, and a source the live path is quiet on is always read to the end — but only as far
as the events that settled (CATCH_UP_SETTLE_SECONDS; the producer cuts: outbox.settled_prefix),
since a burst the live path has not delivered any of yet looks quiet too. A live batch from
one ordered queue also moves the stored position over its events that continue it
(advance_over), so the catch-up starts there, and a standby replica (a batched queue has one
active consumer) sees the position move and stops there too.
"""
import logging

from sqlalchemy import String, bindparam, null, select, update
from sqlalchemy.dialects import sqlite

from services.chassis.db import insert_ignoring_conflicts, insert_returning, precompiled
from services.chassis.models import ConsumerPosition, InboxEvent, utcnow

log = logging.getLogger(__name__)

# Consecutive catch-up rounds of one source that stop at the live path's horizon. At the default
# CATCH_UP_SECONDS (10) a missed event above the horizon waits at most ~5 minutes while the live
# path keeps draining a backlog below it; one the live path has passed is caught the next round.
MAX_DEFERRED_ROUNDS = 30

PROCESSED, DUPLICATE, FAILED, IGNORED = "processed", "duplicate", "failed", "ignored"


class Subscriptions:
    """{source: {event_type: apply(uow, envelope)}} — what a service consumes and how."""

    def __init__(self, mapping, lock_first=None):
        """`lock_first(session, envelopes)`: takes, in one fixed order, the shared rows a unit's
        new events will lock, before any of them is applied (consume_all) — a batch's handlers
        lock rows in the order of its events, which another transaction may lock in another
        order (PostgreSQL: a deadlock)."""
        self.mapping, self.lock_first = mapping, lock_first

    @property
    def sources(self):
        return list(self.mapping)

    def handler_for(self, source, event_type):
        return self.mapping.get(source, {}).get(event_type)

    def event_types(self):
        """Every (source, event type) consumed: ChassisService binds them to its live handlers
        (one per source)."""
        return [(source, event_type)
                for source, handlers in self.mapping.items() for event_type in handlers]


INBOX_COLUMNS = ("event_id", "source", "event_type", "sequence", "processed_at")


def _inbox_insert(dialect):
    table = InboxEvent.__table__
    types = {name: table.c[name].type for name in INBOX_COLUMNS}
    if dialect is sqlite:       # processed_at comes as the text SQLite stores (_processed_at)
        types["processed_at"] = String()
    return (dialect.insert(table).values({name: bindparam(name, type_=types[name])
                                          for name in INBOX_COLUMNS})
            .on_conflict_do_nothing(index_elements=["event_id"]))


_PROCESSED_AT = {}      # dialect name -> the processed_at column's bind processor (or None)


def processed_at(session, now):
    """`now` as the inbox INSERT binds it: on SQLite the text its DATETIME column stores, made
    once per unit instead of once per row by SQLAlchemy's bind processors (the same value in
    every row of the unit; a few percent of a consumer's CPU per event). Reporting's
    per-projection inbox binds its processed_at (the same column type) alike."""
    dialect = session.get_bind().dialect
    if dialect.name != "sqlite":
        return now
    process = _PROCESSED_AT.get(dialect.name)
    if process is None:
        process = _PROCESSED_AT[dialect.name] = \
            InboxEvent.__table__.c.processed_at.type._cached_bind_processor(dialect)
    return process(now)


def record_new(session, envelopes):
    """Insert the inbox rows of `envelopes` (distinct event ids); returns the ids that were not
    there yet. ON CONFLICT DO NOTHING instead of select-then-insert: one round trip, and a
    replica applying the same event concurrently makes us wait for its commit and then see a
    duplicate (PostgreSQL), where a plain INSERT would fail on the primary key. Public for a
    consumer that orders its own transaction (services/audit/ordering.py)."""
    now = processed_at(session, utcnow())
    # in event id order: two units inserting overlapping rows lock them in one order (no deadlock)
    rows = sorted(({"event_id": e["event_id"], "source": e["source"], "event_type": e["event_type"],
                    "sequence": e["sequence"], "processed_at": now} for e in envelopes),
                  key=lambda row: row["event_id"])
    if len(rows) == 1:          # the live path: the rowcount says it, with a precompiled statement
        inserted = session.execute(precompiled(session, "inbox", _inbox_insert), rows[0]).rowcount
        return {rows[0]["event_id"]} if inserted == 1 else set()
    return set(insert_returning(session, "inbox_returning", lambda dialect: _inbox_insert(dialect)
                                .returning(InboxEvent.__table__.c.event_id), rows).scalars())


def consume_all(db, subscriptions, envelopes, advance_position=False):
    """Apply `envelopes` (in order) in ONE transaction, each exactly once: an event already in
    the inbox, or earlier in the same list, is a duplicate and its effect is skipped. Returns
    the outcome of each. If any effect raises, the whole transaction rolls back (nothing of the
    list is applied) and the error propagates: the caller retries the events one by one to
    isolate it. Handlers share the unit of work, so they must read through its session
    (autoflush makes an earlier event's changes visible to a later one). `advance_position`
    (a live batch from one ordered queue): the stored position moves over the batch's events
    that continue it, in the same transaction (advance_over)."""
    outcomes, pending, seen = [], [], set()
    for envelope in envelopes:
        apply = subscriptions.handler_for(envelope["source"], envelope["event_type"])
        if apply is None:
            outcomes.append(IGNORED)
        elif envelope["event_id"] in seen:
            outcomes.append(DUPLICATE)
        else:
            seen.add(envelope["event_id"])
            pending.append((len(outcomes), apply, envelope))
            outcomes.append(DUPLICATE)              # until its inbox row proves it new
    if not pending:
        return outcomes
    with db.unit_of_work(actor=f"event:{pending[0][2]['source']}") as uow:
        # The inbox rows go in first: on SQLite that takes the write lock before anything is
        # read, on PostgreSQL it holds the inbox lock a reporting rebuild waits for.
        new = record_new(uow.session, [envelope for _index, _apply, envelope in pending])
        if subscriptions.lock_first is not None and new:
            subscriptions.lock_first(uow.session, [envelope for _index, _apply, envelope
                                                   in pending if envelope["event_id"] in new])
        for index, apply, envelope in pending:
            if envelope["event_id"] in new:
                apply(uow, envelope)
                outcomes[index] = PROCESSED
        if advance_position:
            advance_over(uow.session, envelopes)
    return outcomes


def _position_for_update(_dialect):
    table = ConsumerPosition.__table__
    return (select(table.c.last_sequence)
            .where(table.c.source == bindparam("source", type_=table.c.source.type))
            .with_for_update())


def _position_advance(_dialect):
    table = ConsumerPosition.__table__
    return (update(table).where(table.c.source == bindparam("source", type_=table.c.source.type))
            .values(last_sequence=bindparam("last_sequence", type_=table.c.last_sequence.type),
                    last_error=null()))


def advance_over(session, envelopes):
    """Move the stored position of the envelopes' source over those of them that continue it
    (all applied in this transaction, so "everything up to the position is applied" holds):
    the catch-up then starts there, and another replica's catch-up sees the source is being
    worked on (LiveProgress). A gap stops it: the catch-up reads the missed event there.
    Core statements compiled once (precompiled), not the ORM's get and flush of the row: those
    were a fifth of a live batch's CPU in process (bench/FINDINGS.md, the sixth session's
    per-event floor). The session must not hold the ConsumerPosition row as an object (a flush
    of it would write over this); none of the unit's handlers reads it."""
    source = envelopes[0]["source"]
    read = precompiled(session, "position_for_update", _position_for_update)
    stored = session.execute(read, {"source": source}).scalar()
    if stored is None:
        insert_ignoring_conflicts(session, ConsumerPosition, {"source": source, "last_sequence": 0},
                                  ("source",))
        stored = session.execute(read, {"source": source}).scalar()
    position = stored
    for sequence in sorted({e["sequence"] for e in envelopes if e["source"] == source}):
        if sequence == position + 1:
            position = sequence
        elif sequence > position:
            break
    if position > stored:
        session.execute(precompiled(session, "position_advance", _position_advance),
                        {"source": source, "last_sequence": position})


def consume(db, subscriptions, envelope):
    """Apply one event exactly once. Returns the outcome; raises if its effect fails (nothing
    is then recorded, so a redelivery or the catch-up retries it)."""
    return consume_all(db, subscriptions, [envelope])[0]


def _apply_page(db, subscriptions, page):
    """The page in one transaction (a commit per page, not per event). Returns the number
    applied, or None if an event failed and nothing of the page was applied."""
    try:
        return consume_all(db, subscriptions, page).count(PROCESSED)
    except Exception as exc:
        log.info("a page of %s events failed as a whole (%r); applying it event by event",
                 len(page), exc)
        return None


class LiveProgress:
    """How far the live path got, per source: the catch-up's horizon (module docstring).

    In memory, per process: a restarted process starts quiet, so its first round reads to the
    log's end. Replicas: a batched queue has a single active consumer, so a standby replica's
    live path delivers nothing — yet the position in the shared database moving between its
    rounds (the active replica's live path or catch-up moved it) says the source is being
    worked on elsewhere, and the standby stops there too instead of reading to the log's end."""

    def __init__(self, max_deferred_rounds=MAX_DEFERRED_ROUNDS):
        self.max_deferred_rounds = max_deferred_rounds
        self._highest = {}          # source -> highest sequence delivered live
        self._fresh = set()         # sources delivered since their last catch-up round
        self._deferred = {}         # source -> rounds in a row that stopped at the horizon
        self._left_at = {}          # source -> the position this process's last round left

    def delivered(self, envelopes):
        """Live deliveries, whatever their outcome (a failed one is below the horizon, so the
        next round retries it)."""
        for envelope in envelopes:
            source, sequence = envelope.get("source"), envelope.get("sequence")
            if isinstance(sequence, int):
                self._highest[source] = max(self._highest.get(source, 0), sequence)
                self._fresh.add(source)

    def horizon(self, source, position=None):
        """Where this round's catch-up of `source` stops, None = the log's end: while the live
        path delivers it (here, or — `position`, the stored one, moved since this process's last
        round — elsewhere), where that got; not more than max_deferred_rounds rounds in a row."""
        moved = position is not None and position > self._left_at.get(source, position)
        fresh = source in self._fresh or moved
        self._fresh.discard(source)
        deferred = self._deferred.get(source, 0)
        if fresh and deferred < self.max_deferred_rounds:
            self._deferred[source] = deferred + 1
            return max(self._highest.get(source, 0), position if moved else 0)
        self._deferred[source] = 0
        return None

    def round_done(self, source, position):
        """The position this round left: the next one tells others' progress from it."""
        self._left_at[source] = position


def catch_up(db, subscriptions, fetch_page, source, page_size=500, max_pages=20, until=None):
    """Read `source`'s log from our position; apply; advance. Returns (applied, position).
    `until`: stop after that sequence (the live path's horizon, or the end of a live batch).

    Each page is applied in one transaction. If that fails, the page is applied again one
    event per transaction, so the events before the failing one go in and the position stops
    right before it, exactly as if the page had never been batched."""
    applied = 0
    with db.read_only() as session:
        row = session.get(ConsumerPosition, source)
        position = row.last_sequence if row else 0
    for _ in range(max_pages):
        if until is not None and position >= until:
            break
        limit = page_size if until is None else min(page_size, until - position)
        page = fetch_page(position, limit)
        full = len(page) >= limit
        if until is not None:                     # a producer's page may still run past it
            page = [envelope for envelope in page if envelope["sequence"] <= until]
        if not page:
            break
        done = _apply_page(db, subscriptions, page)
        if done is not None:
            applied += done
            position = page[-1]["sequence"]
        else:
            for envelope in page:
                try:
                    if consume(db, subscriptions, envelope) == PROCESSED:
                        applied += 1
                except Exception as exc:
                    log.exception("catch-up from %s stopped at sequence %s", source,
                                  envelope["sequence"])
                    _save_position(db, source, position,
                                   error=f"{envelope['sequence']}: {exc!r}")
                    raise
                position = envelope["sequence"]
        _save_position(db, source, position)
        if not full:
            break
    return applied, position


def _save_position(db, source, position, error=None):
    with db.unit_of_work() as uow:
        row = uow.session.get(ConsumerPosition, source)
        if row is None:
            row = ConsumerPosition(source=source, last_sequence=0)
            uow.session.add(row)
        row.last_sequence = max(row.last_sequence, position)
        row.last_error = error


def positions(db):
    with db.read_only() as session:
        return {row.source: row.last_sequence for row in session.scalars(select(ConsumerPosition))}
