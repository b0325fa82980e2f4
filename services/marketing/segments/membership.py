"""Keeping segment memberships up to date, incrementally: only the contacts that something
touched are evaluated — the ones an event changed (audience/projection.py hands them over in
the event's transaction), the ones put on or taken off a static list, every contact once after
a segment is created or its rules change (in chunks, after the edit: segments/backfill.py —
only that segment and the ones depending on it, the contact's other memberships read as kept),
and the ones whose relative-date rule has reached its edge (`recheck_at`, a timer picks just
those). Never a rescan on a timer.

A contact is in a segment if it is in the audience (known, not merged away) and either matches
the segment's own rules (dynamic) or is on its list (static), or is in a segment it includes —
and is in none it excludes. Segments are evaluated in dependency order (graph.py), so an
included segment's answer for the contact is known when it is needed.

Writes are race-safe across replicas: a member row is inserted with ON CONFLICT DO NOTHING and
deleted by key, and only the statement that changed a row records the history and moves the
count (an atomic increment).
"""
import json
import uuid

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from services.chassis.db import insert_ignoring_conflicts
from services.marketing import metrics
from services.marketing.audience import rows
from services.marketing.audience.models import AudienceContact
from services.marketing.audience.profile import load_profiles
from services.marketing.segments import graph, rules
from services.marketing.segments.models import (DYNAMIC, JOINED, LEFT, Segment,
                                                SegmentCatalog, SegmentMember,
                                                SegmentMembershipChange, SegmentStaticMember)

BATCH = 500
ROWS_PER_STATEMENT = 1000       # member rows per INSERT (3 parameters each: within SQLite's limit)


class Compiled:
    """A segment ready to evaluate: its validated rules, includes and excludes."""

    def __init__(self, segment):
        self.id, self.kind = segment.id, segment.kind
        self.groups = rules.validate(json.loads(segment.rules))[0] or []
        self.include, self.exclude = json.loads(segment.include), json.loads(segment.exclude)

    def contains(self, profile, now, statics, already):
        own = rules.matches(self.groups, profile, now) if self.kind == DYNAMIC \
            else (self.id, profile["id"]) in statics
        return ((own or any(s in already for s in self.include))
                and not any(s in already for s in self.exclude))


def _catalog(session, exclusive):
    insert_ignoring_conflicts(session, SegmentCatalog, {"id": 1, "version": 0}, ("id",))
    return session.get(SegmentCatalog, 1, with_for_update={"read": not exclusive},
                       populate_existing=True)


def definitions_fixed(session):
    """Before evaluating after an event (whose customer row is already locked): no edit or
    list change runs meanwhile (PostgreSQL; SQLite writers are serialised anyway)."""
    _catalog(session, exclusive=False)


def definitions_changing(session):
    """Before a segment edit or a list change: waits for the evaluations in flight, and holds
    off new ones until this transaction ends, so both see each other's committed result."""
    catalog = _catalog(session, exclusive=True)
    catalog.version += 1


def any_segment(session):
    """Whether a segment exists at all (none: nothing for an event to evaluate)."""
    return session.scalar(select(Segment.id).limit(1)) is not None


def lock_customers_of(session, contact_ids):
    """The customer rows of `contact_ids`, locked in id order (as an event locks its own), so a
    re-evaluation that no event started (a relative date) sees each customer's latest state.
    Taken before definitions_fixed, in the order an event takes them (no deadlock)."""
    rows.lock_customers(session, set(session.scalars(
        select(AudienceContact.customer_id).where(AudienceContact.id.in_(sorted(contact_ids))))))


def compiled_segments(session):
    """Every segment, compiled, in dependency order (includes / excludes first)."""
    segments = {s.id: Compiled(s) for s in session.scalars(select(Segment))}
    return [segments[i] for i in graph.order({i: s.include + s.exclude
                                              for i, s in segments.items()})]


def reevaluate(session, contact_ids, reason, now, scope=None):
    """Bring the memberships of `contact_ids` up to date; returns the number of changes.

    `reason`: what the history records for every change, or {contact id: reason} (a batch of
    events: each contact's own, segments/touched.py).

    `scope`: only these segments (ids; closed over dependents — graph.dependents — so every
    segment including or excluding a scoped one is scoped too); the contacts' memberships of
    the others are taken as kept (segment_member), which they are: every change of a contact
    or a definition brings them up to date in its own transaction."""
    with metrics.evaluating(reason if isinstance(reason, str) else "events"):
        segments = [segment for segment in compiled_segments(session)
                    if scope is None or segment.id in scope]
        changes, ids = 0, sorted(contact_ids)
        for start in range(0, len(ids), BATCH):
            changes += _batch(session, ids[start:start + BATCH], reason, now, segments, scope)
    return changes


def _batch(session, ids, reason, now, segments, scope):
    profiles = load_profiles(session, ids)
    current = {}
    for segment_id, contact_id in session.execute(
            select(SegmentMember.segment_id, SegmentMember.contact_id)
            .where(SegmentMember.contact_id.in_(ids))):
        current.setdefault(contact_id, set()).add(segment_id)
    statics = set(session.execute(
        select(SegmentStaticMember.segment_id, SegmentStaticMember.contact_id)
        .where(SegmentStaticMember.contact_id.in_(ids))).all())
    changes = Changes(reason, now)
    for contact_id in ids:
        profile = profiles.get(contact_id)
        before = current.get(contact_id, set())
        inside = set() if scope is None else before - scope
        if profile is not None and profile["in_audience"]:
            for segment in segments:
                if segment.contains(profile, now, statics, inside):
                    inside.add(segment.id)
        for segment_id in inside - before:
            changes.join(segment_id, contact_id)
        for segment_id in before - inside:
            changes.leave(segment_id, contact_id)
        if profile is not None:
            _schedule(session, segments, profile, now, partial=scope is not None)
    return changes.write(session)


def _schedule(session, segments, profile, now, partial=False):
    """When time alone may next change this contact's segments (relative dates; never for a
    contact outside the audience). Written only when it moves. `partial` (only some segments
    evaluated): never later than the kept one — at worst a recheck comes early, and a recheck
    evaluates every segment and sets it exactly."""
    moments = [moment for segment in segments
               if (moment := rules.next_boundary(segment.groups, profile, now))]
    if partial and profile["recheck_at"] is not None:
        moments.append(profile["recheck_at"])
    recheck = min(moments, default=None) if profile["in_audience"] else None
    if recheck != profile["recheck_at"]:
        session.execute(update(AudienceContact).where(AudienceContact.id == profile["id"])
                        .values(recheck_at=recheck))


class Changes:
    """The joins and leaves of one batch, written together: the member rows inserted (ON
    CONFLICT DO NOTHING) and deleted a few statements at a time, and only the rows those
    statements changed (RETURNING) are changes — their history rows and the counts'
    increments are written once per batch."""

    def __init__(self, reason, now):
        self.reason, self.now, self.history, self.deltas = reason, now, [], {}
        self.joins, self.leaves = [], {}

    def _reason(self, contact_id):
        reason = self.reason if isinstance(self.reason, str) else self.reason[contact_id]
        return reason[:80]

    def join(self, segment_id, contact_id):
        self.joins.append({"segment_id": segment_id, "contact_id": contact_id,
                           "joined_at": self.now})

    def leave(self, segment_id, contact_id):
        self.leaves.setdefault(segment_id, []).append(contact_id)

    def _record(self, segment_id, contact_id, change, delta):
        self.deltas[segment_id] = self.deltas.get(segment_id, 0) + delta
        reason = self._reason(contact_id)
        self.history.append({"id": str(uuid.uuid4()), "segment_id": segment_id,
                             "contact_id": contact_id, "change": change,
                             "reason": reason, "at": self.now})
        metrics.changed(reason, change)

    def write(self, session):
        table = SegmentMember.__table__
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        # the rows as parameters of one statement (SQLAlchemy sends them as multi-row INSERTs,
        # insertmanyvalues), not literal VALUES built into a new statement: building and
        # compiling that was ~a quarter of an import batch's evaluation (bench/FINDINGS.md, the
        # fifth session's marketing CPU per imported row)
        joining = (dialect.insert(table)
                   .on_conflict_do_nothing(index_elements=["segment_id", "contact_id"])
                   .returning(table.c.segment_id, table.c.contact_id))
        for start in range(0, len(self.joins), ROWS_PER_STATEMENT):
            for segment_id, contact_id in session.execute(
                    joining, self.joins[start:start + ROWS_PER_STATEMENT]).all():
                self._record(segment_id, contact_id, JOINED, 1)
        for segment_id, contact_ids in sorted(self.leaves.items()):
            for contact_id in session.scalars(
                    delete(table).where(table.c.segment_id == segment_id,
                                        table.c.contact_id.in_(sorted(contact_ids)))
                    .returning(table.c.contact_id)).all():
                self._record(segment_id, contact_id, LEFT, -1)
        if self.history:
            session.execute(insert(SegmentMembershipChange), self.history)
        for segment_id, delta in sorted(self.deltas.items()):
            if delta:
                session.execute(update(Segment).where(Segment.id == segment_id)
                                .values(member_count=Segment.member_count + delta))
        return len(self.history)


def due_for_recheck(session, now, limit=BATCH):
    return list(session.scalars(select(AudienceContact.id)
                                .where(AudienceContact.recheck_at <= now)
                                .order_by(AudienceContact.recheck_at).limit(limit)))


def remove_segment(session, segment_id):
    """A deleted segment's rows go with it (its members, list and history)."""
    for model in (SegmentMember, SegmentStaticMember, SegmentMembershipChange):
        session.execute(delete(model).where(model.segment_id == segment_id))
