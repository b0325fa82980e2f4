"""From a consumed event to audit entries: compare what the event says with the record's last
known state (kept from earlier events; creation events give the first), write one entry per
changed field, keep the new state.

`changes` is pure (unit-tested on its own); `apply` is the `apply(uow, envelope)` of every
event the service consumes, run once per event by the inbox, in the producer's order
(services/audit/ordering.py), so "from what" is always the state just before the change.

The rows are written with Core, not as ORM objects: a unit of work (a live batch, a catch-up
page, one event) keeps the records it touches in memory (`_Pending`: read, preloaded or new —
a later event of the unit sees an earlier one's state there) and writes, before its commit, its
new records, its changed records and its entries as one executemany per statement (the ORM's
flush of objects one by one was 38% of audit's CPU in an import: bench/FINDINGS.md, fifth
session).
"""
import json
import uuid
from datetime import datetime

from sqlalchemy import bindparam, insert, select, text, update

from services.audit import records
from services.chassis.db import execute_many
from services.audit.models import CHANGED, CREATED, REMOVED, AuditEntry, AuditRecord

UNKNOWN = object()          # an old or new value the events do not tell
_IDS = uuid.UUID("6f1c1a52-5b1e-4c55-9a43-5d1f0a6c2b7e")     # namespace of entry ids


def changes(before, observation):
    """[(action, field, old, new)] — old / new may be UNKNOWN. `before`: the record's last known
    tracked state, or None if the record was never seen."""
    if observation.removes:
        return [(REMOVED, None, UNKNOWN if before is None else before, None)]
    if before is None and observation.creates:
        return [(CREATED, None, None, dict(observation.values))]
    found = []
    for name, new in observation.values.items():
        if before is not None and name in before:
            old = before[name]
        elif name in observation.previous:
            old = observation.previous[name]
        elif before is None and not (observation.partial or name in observation.changed):
            continue            # first seen by a whole record: nothing says this field changed
        else:
            old = UNKNOWN
        if old is UNKNOWN or old != new:
            found.append((CHANGED, name, old, new))
    found.extend((CHANGED, name, UNKNOWN, UNKNOWN) for name in observation.withheld)
    return found


def entry_id(event_id, observation, action, field):
    """Derived from (event, record, action, field): the same event applied again, or replayed by
    a rebuild, gives the same id. An event id laid out as a version 7 UUID (the chassis's
    new_ordered_id: milliseconds first) lends the entry its first 48 bits, so entries' primary key
    takes them in time order at its right edge instead of at a random page each (a grown
    trail's index outgrows the server's buffers: bench/FINDINGS.md, eighth session); the rest is
    the name-based UUID's (version 5)."""
    key = f"{event_id}:{observation.record_type}:{observation.record_id}:{action}:{field or ''}"
    derived = str(uuid.uuid5(_IDS, key))
    if len(event_id) == 36 and event_id[14] == "7" and event_id[8] == "-":
        return event_id[:13] + derived[13:]
    return derived


# json.dumps with keyword arguments builds an encoder per call; this one is built once
_encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode


def _json(value):
    return None if value is UNKNOWN else _encode(value)


_RECORDS, _ENTRIES = AuditRecord.__table__, AuditEntry.__table__
_PRELOAD_CHUNK = 500                # ids per IN list (SQLite's default limit is 999 variables)
# what an event needs of a stored record (it sets every other column anew)
_READ = select(_RECORDS.c.record_id, _RECORDS.c.state, _RECORDS.c.source, _RECORDS.c.sequence,
               _RECORDS.c.owner_id)
# The same on PostgreSQL: one index seek per id, whatever the statistics say. `record_type = ...
# AND record_id IN (...)` was planned, on a table never analyzed (a server without autovacuum, or
# before its first round), as a bitmap scan of the key's first column — every record of the
# type — filtering the ids: at 850,000 records 2.3 s and 59,000 pages a preload (bench/FINDINGS.md,
# eighth session: audit at a grown database). A LATERAL subquery with a LIMIT is not flattened
# into a join, and the key's two columns equal to values are one row: an Index Scan on the key.
_READ_EACH = text(
    "SELECT r.record_id, r.state, r.source, r.sequence, r.owner_id"
    " FROM unnest(CAST(:ids AS varchar[])) AS wanted(record_id) CROSS JOIN LATERAL"
    " (SELECT record_id, state, source, sequence, owner_id FROM audit_records"
    "  WHERE record_type = :record_type AND record_id = wanted.record_id LIMIT 1) AS r")
# a changed record: every column but its key (each event applied to it sets them all), the SET
# clause made of the parameters' column names
_UPDATE_RECORD = update(_RECORDS).where(_RECORDS.c.record_type == bindparam("key_type"),
                                        _RECORDS.c.record_id == bindparam("key_id"))


class _Record:
    """A record as this unit knows it: `row` its columns, `state` its parsed tracked state,
    `stored` whether its row is in the database (else it is inserted at the commit)."""
    __slots__ = ("row", "state", "stored")

    def __init__(self, row, state, stored):
        self.row, self.state, self.stored = row, state, stored


class _Pending:
    """The records a unit of work touches and the rows it has not written yet."""

    def __init__(self, session):
        self.session = session
        self.known = {}             # (type, id) → _Record, or None: not in the database
        self.new = {}               # (type, id) → _Record, to insert
        self.changed = {}           # (type, id) → _Record (stored), to update
        self.entries = []           # audit_entries rows, in the events' order
        self.observed = {}          # event id → its observations, read by preload for apply

    def record(self, key):
        if key not in self.known:
            found = self.session.execute(_READ.where(
                _RECORDS.c.record_type == key[0], _RECORDS.c.record_id == key[1])).first()
            self.known[key] = None if found is None else _stored(found)
        return self.known[key]

    def write(self):
        """One executemany per statement: new records, changed records (in key order, as the
        ORM's flush locked them), entries — each compiled once per column set and executed as
        that Compiled (db.execute_many: no per-row mapping of a cache key's parameters)."""
        session = self.session
        if self.new:
            _insert_many(session, _RECORDS, [record.row for record in self.new.values()])
            for record in self.new.values():
                record.stored = True
        if self.changed:
            rows = [{**{"set_" + name: value for name, value in record.row.items()
                        if name not in ("record_type", "record_id")},
                     "key_type": key[0], "key_id": key[1]}
                    for key, record in sorted(self.changed.items())]
            columns = tuple(name[4:] for name in rows[0] if name.startswith("set_"))
            execute_many(session, ("audit_record_update", columns),
                         lambda _dialect: _UPDATE_RECORD.values(
                             {name: bindparam("set_" + name, type_=_RECORDS.c[name].type)
                              for name in columns}), rows)
        if self.entries:
            _insert_many(session, _ENTRIES, self.entries)
        self.new, self.changed, self.entries = {}, {}, []


def _insert_many(session, table, rows):
    """INSERT `rows` (all with the keys of the first) into `table`, one executemany."""
    columns = tuple(rows[0])
    execute_many(session, ("audit_insert", table.name, columns),
                 lambda _dialect: insert(table).values(
                     {name: bindparam(name, type_=table.c[name].type) for name in columns}), rows)


def _stored(row):
    """A record read from the database (_READ's columns; apply sets the rest)."""
    row = row._asdict()
    return _Record(row, json.loads(row["state"]), stored=True)


def _pending(uow):
    """This unit's _Pending, written before its commit (the chassis's before_commit)."""
    return uow.before_commit("audit_trail", lambda: _Pending(uow.session), _Pending.write)


def apply(uow, envelope):
    # Nothing is written per event: the unit's rows go out in one executemany per table before
    # its commit (a catch-up page or a live batch is one unit; measured: a replay on PostgreSQL
    # ran at 364 events/s with a flush per event).
    pending = _pending(uow)
    observed = pending.observed.pop(envelope["event_id"], None)
    for observation in records.observe(envelope) if observed is None else observed:
        apply_observation(pending, envelope, observation)


def preload(uow, envelopes):
    """The records `envelopes` will touch, read with one SELECT per record type (a live batch:
    services/audit/ordering.py) instead of one per event; those not there are noted as absent,
    so applying the batch asks the database nothing more about them."""
    wanted, pending = {}, _pending(uow)
    for envelope in envelopes:
        observed = pending.observed[envelope["event_id"]] = records.observe(envelope)
        for observation in observed:
            wanted.setdefault(observation.record_type, set()).add(observation.record_id)
    known = pending.known
    each = uow.session.get_bind().dialect.name == "postgresql"
    for record_type, ids in wanted.items():
        ids = sorted(record_id for record_id in ids if (record_type, record_id) not in known)
        for start in range(0, len(ids), _PRELOAD_CHUNK):
            chunk = ids[start:start + _PRELOAD_CHUNK]
            rows = uow.session.execute(_READ_EACH, {"ids": chunk, "record_type": record_type}) \
                if each else uow.session.execute(_READ.where(
                    _RECORDS.c.record_type == record_type, _RECORDS.c.record_id.in_(chunk)))
            found = {row.record_id: _stored(row) for row in rows}
            known.update(((record_type, record_id), found.get(record_id)) for record_id in chunk)


def apply_observation(pending, envelope, observation):
    key = (observation.record_type, observation.record_id)
    record = pending.record(key)
    if record is not None and record.row["source"] == envelope["source"] \
            and record.row["sequence"] >= envelope["sequence"]:
        return                  # already past this event (a replay over a kept state)
    before = record.state if record is not None else None
    state = {**(before or {}), **observation.values}
    # an event that changes no tracked value (an import's customer_assigned naming the owner
    # the created customer has) keeps the state's text as stored, not encoded again
    state_json = record.row["state"] if before is not None and state == before \
        else _encode(state)
    occurred_at = datetime.fromisoformat(envelope["occurred_at"])
    actor = envelope.get("actor") or "system"
    for action, name, old, new in changes(before, observation):
        pending.entries.append({
            "id": entry_id(envelope["event_id"], observation, action, name),
            "event_id": envelope["event_id"], "event_type": envelope["event_type"],
            "source": envelope["source"], "sequence": envelope["sequence"],
            "record_type": observation.record_type, "record_id": observation.record_id,
            "action": action, "field": name, "old_value": _json(old),
            # a creation's values are the new state (changes: only when nothing was known)
            "new_value": state_json if action == CREATED else _json(new),
            "actor_id": actor, "occurred_at": occurred_at})
    place = records.placement(observation.record_type, state, observation.context)
    previous_owner = None if record is None else record.row["owner_id"]
    row = {"record_type": observation.record_type, "record_id": observation.record_id,
           "state": state_json, "source": envelope["source"], "sequence": envelope["sequence"],
           "updated_at": occurred_at, **place}
    if record is None:
        record = pending.known[key] = pending.new[key] = _Record(row, state, stored=False)
        return
    record.row, record.state = row, state
    if record.stored:
        pending.changed[key] = record
    if previous_owner != row["owner_id"]:
        _follow_owner(pending, observation.record_type, observation.record_id, row["owner_id"])


def _follow_owner(pending, record_type, record_id, owner_id):
    """A customer's contacts are seen by whoever sees the customer, a deal's quotes, contracts,
    orders and invoices by whoever sees the deal: they follow a new owner."""
    if record_type == "customer":
        types, where = ("contact",), (_RECORDS.c.record_type == "contact",
                                      _RECORDS.c.customer_id == record_id)
    elif record_type == "deal":
        types, where = records.DOCUMENTS, (_RECORDS.c.record_type.in_(records.DOCUMENTS),
                                           _RECORDS.c.deal_id == record_id)
    else:
        return
    pending.write()             # records added earlier in this unit are updated too
    pending.session.execute(update(_RECORDS).where(*where).values(owner_id=owner_id))
    # what this unit holds of those types is read again if touched again
    pending.known = {key: record for key, record in pending.known.items()
                     if key[0] not in types}
