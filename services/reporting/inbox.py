"""reporting's inbox: exactly once PER PROJECTION.

The chassis inbox (services/chassis/inbox.py) records one row per event for the whole service.
reporting's projections are rebuilt one at a time and several may consume the same event type
(campaign ROI reads deal_won as the deals projection does), so here the inbox row is keyed by
(projection, event_id) and the catch-up position by (projection, source). The chassis's rules
hold for each projection:

- exactly once, in the same transaction as the effect: the projection's inbox row is inserted
  (ON CONFLICT DO NOTHING) before its handler runs, in the unit of work that holds the effect;
  a repeat finds the row and skips that projection only;
- ordered catch-up: each source's log is read once, from the lowest position of the projections
  that consume it; each event goes to the projections whose position is below its sequence,
  and a page's positions are saved in the page's transaction;
- a failing event stops the position — of the failing projection: the page is applied again
  one (event, projection) per transaction, so the other projections go on past it, and the
  failing one's position stays right before it (with `last_error`) until it goes through.

The catch-up that reads the logs is consumer.py's. Rebuilding one projection deletes its inbox
rows and positions only (rebuild.py): the replay feeds it alone, and the others' rows and
positions are untouched.
"""
from sqlalchemy import String, bindparam, delete, select
from sqlalchemy.dialects import sqlite

from services.chassis.db import insert_returning, precompiled
from services.chassis.inbox import (  # noqa: F401  (the outcomes: re-exported for callers)
    DUPLICATE, FAILED, IGNORED, PROCESSED, Subscriptions, processed_at)
from services.chassis.models import utcnow
from services.reporting import freshness
from services.reporting.domains import PROJECTIONS
from services.reporting.models import ProjectionInbox, ProjectionPosition, RebuildFence

# {(source, event type): [(projection name, handler)]} in registry order
ROUTES = {}
for _projection in PROJECTIONS.values():
    for (_source, _event_type) in _projection.event_types():
        ROUTES.setdefault((_source, _event_type), []).append(
            (_projection.name, _projection.handles[_source][_event_type]))

# What the live handlers subscribe to (ChassisService binds each to its source's batched queue):
# {source: {event type: the names of the projections it feeds}}.
SUBSCRIPTIONS = Subscriptions({})
for (_source, _event_type), _routes in ROUTES.items():
    SUBSCRIPTIONS.mapping.setdefault(_source, {})[_event_type] = [name for name, _h in _routes]

INBOX_COLUMNS = ("projection", "event_id", "source", "event_type", "sequence", "processed_at")


def consumers(source):
    """The projections that consume `source`, in registry order."""
    return [name for name, projection in PROJECTIONS.items()
            if any(s == source for s, _t in projection.event_types())]


def _insert(dialect):
    table = ProjectionInbox.__table__
    types = {name: table.c[name].type for name in INBOX_COLUMNS}
    if dialect is sqlite:       # processed_at comes as the text SQLite stores (processed_at)
        types["processed_at"] = String()
    return (dialect.insert(table).values({name: bindparam(name, type_=types[name])
                                          for name in INBOX_COLUMNS})
            .on_conflict_do_nothing(index_elements=["projection", "event_id"]))


def _record_new(session, pairs):
    """Insert the inbox rows of `pairs` [(projection, envelope)]; returns those that were new."""
    now = processed_at(session, utcnow())
    # in key order: two units inserting overlapping rows lock them in one order (no deadlock)
    rows = sorted(({"projection": name, "event_id": e["event_id"], "source": e["source"],
                    "event_type": e["event_type"], "sequence": e["sequence"], "processed_at": now}
                   for name, e in pairs), key=lambda row: (row["projection"], row["event_id"]))
    if len(rows) == 1:          # the live path: the rowcount says it, with a precompiled statement
        inserted = session.execute(precompiled(session, "projection_inbox", _insert),
                                   rows[0]).rowcount
        return {(rows[0]["projection"], rows[0]["event_id"])} if inserted == 1 else set()
    table = ProjectionInbox.__table__
    return {tuple(row) for row in insert_returning(
        session, "projection_inbox_returning",
        lambda dialect: _insert(dialect).returning(table.c.projection, table.c.event_id), rows)}


def apply_in(uow, envelopes, positions, only, replaying):
    """In `uow`: each envelope to each projection that consumes it (`only` those, if given)
    and has not read past it (`positions`), exactly once. Returns the outcome per envelope.
    Not replaying, the projections a rebuild is switching in (`fenced`) are left out: their
    events come with the catch-up that follows the switch (rebuild.py)."""
    outcomes, pending, seen, fence = [], [], set(), None
    for envelope in envelopes:
        routes = [(name, handler) for name, handler in
                  ROUTES.get((envelope["source"], envelope["event_type"]), ())
                  if (only is None or name in only)
                  and envelope["sequence"] > positions.get(name, -1)]
        if routes and not replaying:
            fence = fenced(uow.session) if fence is None else fence
            routes = [(name, handler) for name, handler in routes if name not in fence]
        if not routes:
            outcomes.append(IGNORED)
            continue
        outcomes.append(DUPLICATE)                  # until an inbox row proves it new
        for name, handler in routes:
            if (name, envelope["event_id"]) not in seen:
                seen.add((name, envelope["event_id"]))
                pending.append((len(outcomes) - 1, name, handler, envelope))
    if not pending:
        return outcomes
    # The inbox rows go in first: on SQLite that takes the write lock before anything is read,
    # on PostgreSQL it holds the inbox lock a rebuild waits for before clearing (rebuild.py).
    new = _record_new(uow.session, [(name, envelope) for _i, name, _h, envelope in pending])
    _lock_first(uow.session, [(name, envelope) for _i, name, _h, envelope in pending
                           if (name, envelope["event_id"]) in new])
    for index, name, handler, envelope in pending:
        if (name, envelope["event_id"]) in new:
            handler(uow.session, envelope)
            if outcomes[index] != PROCESSED:
                outcomes[index] = PROCESSED
                if not replaying:       # a replay re-applies old events: not news, not a lag
                    freshness.record(uow.session, envelope)
    return outcomes


def _lock_first(session, pairs):
    """Each projection that declares `lock_first` locks the rows its new events will touch in one
    go (one statement per table, not one or two per event: round trips on PostgreSQL)."""
    if len(pairs) < 2:
        return
    by_projection = {}
    for name, envelope in pairs:
        if PROJECTIONS[name].lock_first is not None:
            by_projection.setdefault(name, []).append(envelope)
    for name, envelopes in by_projection.items():
        if len(envelopes) > 1:
            PROJECTIONS[name].lock_first(session, envelopes)


def fenced(session):
    """The projections being switched in by a rebuild. Read before the inbox rows are written,
    so it may be stale by the commit; either way is safe: a fence seen that is already lifted
    leaves the event to the catch-up after the switch, and a fence not seen is found by the
    switch's check (rebuild.py, step 3), which waits for such a transaction first."""
    return set(session.scalars(select(RebuildFence.projection)))


def fence(db, names):
    with db.unit_of_work() as uow:
        unfence(uow.session, names)          # a crashed rebuild's, if any
        uow.session.add_all([RebuildFence(projection=name, since=utcnow()) for name in names])


def unfence(session, names=None):
    """Lift the fence of `names` (all: a catch-up under the lease, when none can be right)."""
    query = delete(RebuildFence)
    session.execute(query if names is None else query.where(RebuildFence.projection.in_(names)))


def consume_all(db, envelopes, replaying=False, only=None):
    """Apply `envelopes` (in order) in ONE transaction, each exactly once per projection.
    Returns the outcome of each (processed: at least one projection applied it). If any effect
    raises, nothing of the list is applied and the error propagates."""
    envelopes = list(envelopes)
    actor = f"event:{envelopes[0]['source']}" if envelopes else "event"
    with db.unit_of_work(actor=actor) as uow:
        return apply_in(uow, envelopes, {}, only, replaying)


def consume(db, envelope, replaying=False):
    """The live path: one event, every projection that consumes it, one transaction. Raises if
    an effect fails (nothing recorded: the catch-up retries it, projection by projection)."""
    return consume_all(db, [envelope], replaying)[0]


# --- positions ---------------------------------------------------------------------------

def projection_positions(db, source=None):
    """{(projection, source): last sequence}."""
    with db.read_only() as session:
        query = select(ProjectionPosition)
        if source is not None:
            query = query.where(ProjectionPosition.source == source)
        return {(row.projection, row.source): row.last_sequence for row in session.scalars(query)}


def positions(db, only=None):
    """{source: the lowest position of the projections that consume it (`only` those, if
    given)}: every event up to it is applied everywhere. Sources never read are left out."""
    found = projection_positions(db)
    result = {}
    for source in sorted({source for _name, source in found}):
        names = [name for name in consumers(source) if only is None or name in only]
        if names:
            result[source] = min(found.get((name, source), 0) for name in names)
    return result


def save_positions(session, source, values, errors=None):
    """Positions only move forward; last_error is `errors`' entry (none: cleared)."""
    errors = errors or {}
    for name, sequence in values.items():
        row = session.get(ProjectionPosition, (name, source), with_for_update=True)
        if row is None:
            row = ProjectionPosition(projection=name, source=source, last_sequence=0)
            session.add(row)
        row.last_sequence = max(row.last_sequence, sequence)
        row.last_error = errors.get(name)


def reset(session, names, sources):
    """Forget where `names` are in `sources` (a rebuild: they replay from the start)."""
    session.execute(delete(ProjectionPosition).where(ProjectionPosition.projection.in_(names),
                                                     ProjectionPosition.source.in_(sources)))
