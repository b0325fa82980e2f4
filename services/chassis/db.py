"""Database dependency provider and unit of work.

A service method opens a unit of work explicitly:

    with self.db.unit_of_work(actor=principal.user_id) as uow:
        return handlers.create_customer(uow, principal, data)

On leaving the block the business rows and the emitted events commit together; only then does
the relay publish the events. We commit here rather than in `worker_result` because nameko sends
the RPC reply *before* `worker_result` runs: a caller could otherwise read before the commit.
Under an `Idempotency-Key` the commit waits until the RPC method returns, so that its answer is
recorded in the same transaction (services/chassis/idempotency.py).
"""
import json
import logging
import os
import time
import uuid
import weakref
from collections import namedtuple
from contextlib import contextmanager

from nameko.extensions import DependencyProvider
from sqlalchemy import bindparam, create_engine, event, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from services.chassis import settings
from services.chassis.models import ChassisBase, EventSequence, OutboxEvent, utcnow

log = logging.getLogger(__name__)


def make_engine(url):
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")       # readers never block the writer
            cursor.execute("PRAGMA synchronous=NORMAL")     # durable at checkpoints; WAL-safe
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.close()
        return engine
    page_cost = settings.db_random_page_cost()
    options = {} if page_cost is None else {"options": f"-c random_page_cost={page_cost}"}
    return create_engine(
        url,
        connect_args=options,
        pool_size=settings.db_pool_size(),
        max_overflow=settings.db_max_overflow(),
        pool_pre_ping=True,          # survive a database restart without a failed request
        pool_recycle=1800,
        pool_timeout=settings.db_pool_timeout(),
        # An UPDATE / DELETE run with many parameter sets (the ORM's flush of many changed rows
        # of one shape) goes as psycopg2's execute_batch, 100 statements per round trip, not one
        # round trip per row (bench/FINDINGS.md, fourth session). Its rowcount is then not the
        # total: nothing here reads the rowcount of such an executemany.
        executemany_mode="values_plus_batch",
    )


def create_schema(engine, *metadatas):
    """Tables for tests and first runs; production goes through each service's alembic scripts."""
    for metadata in (ChassisBase.metadata, *metadatas):
        metadata.create_all(engine)
    ensure_sequence_row(engine)


def wait_for_database(engine, timeout):
    """Return once a connection opens. A service started while its database restarts (after a
    crash of both, or a stack starting at once) waits for it instead of exiting: an exit leaves
    it to its supervisor's few tries (the chaos run saw identity given up that way). After
    `timeout` seconds the database's own error is raised."""
    deadline, delay = time.monotonic() + timeout, 0.25
    while True:
        try:
            with engine.connect():
                return
        except OperationalError as error:
            if "does not exist" in str(error.orig) or time.monotonic() + delay > deadline:
                raise                    # a missing database or role is not an outage
            reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
            log.warning("database not reachable yet (%s); trying again in %.1f s", reason, delay)
            time.sleep(delay)            # green under nameko run: the process is monkey-patched
            delay = min(delay * 2, 5.0)


def ensure_sequence_row(engine):
    with engine.begin() as connection:
        if connection.execute(select(EventSequence.id).where(EventSequence.id == 1)).first() is None:
            connection.execute(insert(EventSequence).values(id=1, last=0))


def precompiled(session, name, build):
    """`build(dialect module)` (postgresql or sqlite), compiled once per dialect and kept as a
    text() statement with the same typed parameters. SQLAlchemy caches the compiled SQL of
    ordinary statements, but not of the dialects' INSERT ... ON CONFLICT (`inherit_cache =
    False`), and compiling one costs more CPU than running it: a third of a live event's cost
    (bench/event_cost.py --profile). `name` must identify what `build` returns."""
    dialect = session.get_bind().dialect
    statement = _PRECOMPILED.get((dialect.name, name))
    if statement is None:
        built = build(postgresql if dialect.name == "postgresql" else sqlite)
        compiled = built.compile(dialect=type(dialect)(paramstyle="named"))
        statement = text(compiled.string).bindparams(
            *(bindparam(key, type_=bind.type) for key, bind in compiled.binds.items()))
        _PRECOMPILED[(dialect.name, name)] = statement
    return statement


_PRECOMPILED = {}


def insert_precompiled(session, name, build, params):
    """Execute the INSERT `build` makes, `precompiled`, with `params` (a dict, or a list of
    them). Several rows on PostgreSQL go as the built statement instead, RETURNING its primary
    key: SQLAlchemy then sends it as ONE multi-row INSERT (insertmanyvalues; without RETURNING
    it does not for ON CONFLICT), where psycopg2 sends a text statement's executemany a row per
    round trip — each a wait on the server sharing the cores. Compiling it costs less than the
    round trips from a few rows on. The rows of one call must not conflict with each other
    (ON CONFLICT DO UPDATE cannot touch a row twice in one statement)."""
    if isinstance(params, list) and len(params) > 1 \
            and session.get_bind().dialect.name == "postgresql":
        statement = build(postgresql)
        return session.execute(statement.returning(*statement.table.primary_key.columns), params)
    return session.execute(precompiled(session, name, build), params)


def insert_ignoring_conflicts(session, model, values, conflict_columns):
    """INSERT ... ON CONFLICT DO NOTHING: concurrent creators of the same row both succeed
    (one inserts, the other waits for it and does nothing) instead of one failing. Compiled
    once per table, column set and conflict target (precompiled); `values` are its parameters
    (a list of them, all with the same keys: one executemany)."""
    table = model.__table__
    columns = tuple(values[0] if isinstance(values, list) else values)
    target = tuple(conflict_columns)

    def build(dialect):
        return (dialect.insert(table)
                .values({column: bindparam(column, type_=table.c[column].type) for column in columns})
                .on_conflict_do_nothing(index_elements=list(target)))
    return insert_precompiled(session, ("ignoring_conflicts", table, columns, target), build,
                              values)


def update_if_older(session, model, key, sequence_column, sequence, values):
    """`values` on the row of primary key `key` if its `sequence_column` is below `sequence`
    (that too is set to it), in one UPDATE compiled once (precompiled): an event copy's group
    of fields moved by a newer event without reading the row first. True if the row changed —
    the UPDATE locked it, and a copy of it the session holds is expired so it reads the new
    values; False when the row is missing or holds a newer sequence (nothing done, no lock on
    PostgreSQL: the caller's general path then takes the row)."""
    changed = session.execute(_if_older(session, model, tuple(values), sequence_column),
                              {**values, "key": key, "sequence": sequence}).rowcount == 1
    if changed:
        _expire(session, model, [key], [*values, sequence_column])
    return changed


def update_newest(session, model, sequence_column, changes):
    """Many rows' group of fields moved as applying `changes` — [(key, sequence, values)], the
    values with the same names, in any order — one by one with update_if_older leaves: per row
    the values of its newest change above its stored `sequence_column`. The rows are read
    locked in key order (the one order every unit that locks several takes them in) and moved
    by one executemany UPDATE (a unit of an import's assignments: two statements, not one per
    event; chassis/prepared.py). Returns the keys that have a row; a change of a key without
    one is the caller's (its general path makes the row)."""
    if not changes:
        return set()
    table = model.__table__
    (primary_key,) = table.primary_key.columns
    key_attribute, sequence_attribute = getattr(model, primary_key.key), getattr(model, sequence_column)
    stored = dict(session.execute(
        select(key_attribute, sequence_attribute).where(key_attribute.in_(sorted({c[0] for c in changes})))
        .order_by(key_attribute).with_for_update()).all())
    newest = {}
    for key, sequence, values in changes:
        if key in stored and sequence > stored[key]:
            stored[key] = sequence
            newest[key] = {**values, "key": key, "sequence": sequence}
    if newest:
        columns = tuple(changes[0][2])
        session.execute(_if_older(session, model, columns, sequence_column),
                        [newest[key] for key in sorted(newest)])
        _expire(session, model, newest, [*columns, sequence_column])
    return set(stored)


def _if_older(session, model, columns, sequence_column):
    table = model.__table__
    (primary_key,) = table.primary_key.columns

    def build(_dialect):
        return (update(table)
                .where(primary_key == bindparam("key"), table.c[sequence_column] < bindparam("sequence"))
                .values({**{column: bindparam(column, type_=table.c[column].type)
                            for column in columns}, sequence_column: bindparam("sequence")}))
    return precompiled(session, ("update_if_older", table, columns, sequence_column), build)


def _expire(session, model, keys, attributes):
    """A copy of these rows the session holds reads the new values."""
    for key in keys:
        held = session.identity_map.get(session.identity_key(model, key))
        if held is not None:
            session.expire(held, attributes)


def insert_new_rows(session, model, values):
    """INSERT ... ON CONFLICT (primary key) DO NOTHING of `values` (dicts with the same keys),
    as ONE multi-row statement on both dialects (insert_returning, RETURNING the key); returns
    the keys inserted — a row that was there is left as it is."""
    if not values:
        return set()
    table = model.__table__
    (primary_key,) = table.primary_key.columns
    columns = tuple(values[0])

    def build(dialect):
        return (dialect.insert(table)
                .values({column: bindparam(column, type_=table.c[column].type) for column in columns})
                .on_conflict_do_nothing(index_elements=[primary_key.name]).returning(primary_key))
    return set(insert_returning(session, ("new_rows", table, columns), build, values).scalars())


def insert_returning(session, name, build, rows):
    """Execute the multi-row INSERT ... RETURNING `build(dialect module)` makes with `rows`
    (several: SQLAlchemy's insertmanyvalues, one multi-row statement), compiled ONCE per engine's
    dialect: a dialect's INSERT ... ON CONFLICT is never in SQLAlchemy's compiled cache
    (`inherit_cache = False`), and compiling it for every batch cost a tenth of reporting's CPU
    on PostgreSQL and a fifth of the service desk's per imported event (bench/FINDINGS.md, fifth
    session). `build` binds every column explicitly; `name` must identify what it returns."""
    return execute_many(session, name, build, rows)


def execute_many(session, name, build, rows):
    """Execute the statement `build(dialect module)` makes with the list `rows`, compiled ONCE
    per engine's dialect (for an executemany) and executed as that Compiled: an ordinary Core
    statement is in SQLAlchemy's cache, but executing it from there maps the cache key's bound
    parameters onto each row again (construct_params' extracted parameters), a cost per row
    that was a tenth of reporting's CPU per imported event (bench/FINDINGS.md, seventh session:
    audit and reporting). `build` binds every column explicitly, so the compiled statement holds
    no literal value; `name` must identify the statement."""
    connection = session.connection()
    dialect = connection.dialect
    compiled = _COMPILED_MANY.setdefault(dialect, {}).get(name)
    if compiled is None:
        statement = build(postgresql if dialect.name == "postgresql" else sqlite)
        compiled = _COMPILED_MANY[dialect][name] = statement.compile(dialect=dialect,
                                                                     for_executemany=True)
    return connection.execute(compiled, rows)


_COMPILED_MANY = weakref.WeakKeyDictionary()


def new_ordered_id(now_ms=None, random_bits=None):
    """A new id for an event or a record of a growing table (customers): a UUID laid out as
    RFC 9562's version 7 — 48 bits of Unix milliseconds (`now_ms`, default the clock), then 74
    random bits — so an id made later sorts after one made earlier, as text too (fixed-width
    lower-case hex). Every index keyed on such ids (the producer's outbox, each consumer's inbox,
    audit's entries, the customers table and every consumer's copy of it) then takes a new id at
    its right edge, as a sequence would, where a random uuid4 lands on any page: a long import's inboxes
    outgrew the server's buffers and each insert read and dirtied (and, after a checkpoint,
    wrote whole to the WAL) a page of its own (bench/FINDINGS.md, eighth session: audit at a
    grown database). Ids in the same millisecond are in random order. `random_bits`: the 80 bits
    after the milliseconds from a seeded generator instead (bench/seed.py's reproducible rows)."""
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    random = int.from_bytes(os.urandom(10), "big") if random_bits is None else random_bits
    random &= (1 << 80) - 1                                 # 80 bits, 6 replaced below
    value = (ms & 0xFFFF_FFFF_FFFF) << 80 | random
    value = (value & ~(0xF << 76)) | (0x7 << 76)             # the version, 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)             # the variant, RFC 9562's
    return str(uuid.UUID(int=value))


_OUTBOX = OutboxEvent.__table__
_SEQUENCE = EventSequence.__table__
_NEXT_SEQUENCES = (update(_SEQUENCE).where(_SEQUENCE.c.id == 1)
                   .values(last=_SEQUENCE.c.last + bindparam("count")).returning(_SEQUENCE.c.last))
# An outbox row as written, which is what the relay publishes after the commit (an idempotent
# call's held commit passes them on): the relay does not read back the rows it was just handed.
Emitted = namedtuple("Emitted", "sequence event_id event_type version occurred_at actor payload")


class UnitOfWork:
    """One transaction: `session` for the service's rows, `emit` for its events."""

    def __init__(self, session, source, event_schemas, actor):
        self.session = session
        self.source = source
        self.actor = actor
        self._event_schemas = event_schemas
        self._pending = []
        self.emitted = []          # Emitted: the outbox rows written by this unit, for the relay
        self._collected = {}       # key → [collector, run]: before_commit, in registration order

    def before_commit(self, key, make, run):
        """Work gathered over several steps of this unit and done once at its end: the first
        call under `key` makes a collector (`make()`) and registers `run(collector)`; every call
        returns that collector to add to. The runs happen when the block ends without an error,
        in registration order, inside the transaction, before its events are written: what
        they write or emit commits with the rest, what they raise rolls it all back. (A batch
        of events applied in one unit re-evaluates what they touched once, not per event.)"""
        entry = self._collected.get(key)
        if entry is None:
            entry = self._collected[key] = [make(), run]
        return entry[0]

    def _run_before_commit(self):
        done = set()
        while len(done) < len(self._collected):      # a run may register another
            for key, (collector, run) in list(self._collected.items()):
                if key not in done:
                    done.add(key)
                    run(collector)

    def emit(self, event_type, data, version=1):
        """Dump `data` through the service's published schema for `event_type` (its contract)."""
        schema = self._event_schemas[event_type]
        # Plain JSON or fail here, not in kombu; encoded once, as the outbox row stores it (the
        # text json.dumps(json.loads(...)) of the same dump gave: bench/FINDINGS.md, fourth session)
        payload = json.dumps(schema.dump(data), ensure_ascii=False)
        self._pending.append((event_type, version, payload))

    def _write_outbox(self):
        if not self._pending:
            return
        count = len(self._pending)
        # The row lock on the counter serialises writers' commits, which is what makes the
        # sequence gapless and commit-ordered. It is taken last (after the business rows' flush),
        # so it is held only briefly. A Core statement: the ORM's bulk-update path costs more CPU
        # than the UPDATE itself and buys nothing for a counter (bench/FINDINGS.md).
        self.session.flush()
        last = self.session.execute(_NEXT_SEQUENCES, {"count": count}).scalar_one()
        now, first = utcnow(), last - count + 1
        rows = [{"sequence": first + offset, "event_id": new_ordered_id(), "event_type": event_type,
                 "version": version, "occurred_at": now, "actor": self.actor,
                 "payload": payload}
                for offset, (event_type, version, payload) in enumerate(self._pending)]
        # One executemany (multi-row VALUES on both dialects), not an ORM object per event: a
        # unit of work may hold a thousand events (an import batch), bench/FINDINGS.md.
        self.session.execute(insert(_OUTBOX), rows)
        self.emitted.extend(Emitted(**row) for row in rows)
        self._pending = []


class DatabaseAccess:
    def __init__(self, provider, worker_ctx):
        self._provider = provider
        self._worker_ctx = worker_ctx

    @property
    def engine(self):
        return self._provider.engine

    @property
    def relay(self):
        return self._provider.relay

    @property
    def in_flight(self):
        """Idempotency keys being processed by this process's workers (idempotency.py)."""
        return self._provider.in_flight

    def _guard(self):
        # Set by the rpc entrypoint while a method called with an Idempotency-Key runs.
        return getattr(self._worker_ctx, "idempotency_guard", None)

    @contextmanager
    def unit_of_work(self, actor="system", wait_for_publish=False):
        """A transaction whose events commit with it. `wait_for_publish`: the block returns once
        its events' publish was tried (Relay.publish_committed: a loop that paces itself on its
        publishing, as the import's runner does), not only queued for the relay's next round."""
        guard = self._guard()
        if guard is not None:
            guard.settle()              # an earlier unit of this call commits before this one
        session = self._provider.sessionmaker()
        uow = UnitOfWork(session, self._provider.source, self._provider.event_schemas, actor)
        try:
            yield uow
            uow._run_before_commit()
            uow._write_outbox()
            if guard is not None:
                # Under an Idempotency-Key the commit waits for the method's answer, which goes
                # into this same transaction (idempotency.Guard.record). Flushing now raises
                # here, inside the block, what the commit would have raised.
                session.flush()
                guard.hold(session, uow.emitted)
                return
        except BaseException:
            session.rollback()
            session.close()
            raise
        self.commit(session, uow.emitted, wait_for_publish)

    def new_session(self):
        return self._provider.sessionmaker()

    def commit(self, session, emitted, wait_for_publish=False):
        """Commit and close `session`, then hand its events to the relay."""
        try:
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        if emitted:
            self._provider.relay.publish_committed(emitted, wait=wait_for_publish)

    @contextmanager
    def read_only(self, settle=True):
        guard = self._guard() if settle else None
        if guard is not None:
            guard.settle()              # reads see what this call wrote before them
        session = self._provider.sessionmaker()
        try:
            yield session
        finally:
            session.rollback()
            session.close()


class Database(DependencyProvider):
    """Engine per service, a session per unit of work, events in the same commit."""

    def __init__(self, *metadatas, event_schemas=None, packed_events=(), linger=True):
        """`packed_events`: the types whose runs the relay sends as one message (outbox.messages)
        — every type only batched consumers read (most producers pass their event_schemas;
        tests/unit/chassis/test_packs.py fails if a pooled handler listens to one).
        `linger`: the relay publishes a write's events OUTBOX_PUBLISH_LINGER_SECONDS after the
        commit, with the writes of that time (outbox.Relay); False: before the write's call
        returns — for events a caller must be able to rely on once it has the answer
        (identity's: a token revoked by a logout is refused by the very next request)."""
        self.metadatas = metadatas
        self.event_schemas = event_schemas or {}
        self.packed_events = frozenset(packed_events)      # outbox.Relay: runs sent in packs
        self.linger = linger

    def setup(self):
        from services.chassis.outbox import Relay   # outbox imports db helpers
        self.source = self.container.service_name
        self.engine = make_engine(settings.database_url(self.source))
        wait_for_database(self.engine, settings.db_start_wait())
        ensure_sequence_row(self.engine)   # fails loudly if the migrations have not run
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.relay = Relay(self.source, self.sessionmaker, self.container.config,
                           packed_events=self.packed_events,
                           linger=settings.outbox_publish_linger() if self.linger else None,
                           spawn=self.container.spawn_managed_thread)
        self.in_flight = set()

    def stop(self):
        self.relay.close()
        self.engine.dispose()

    def get_dependency(self, worker_ctx):
        return DatabaseAccess(self, worker_ctx)

