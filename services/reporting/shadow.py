"""The rebuild's shadow: a second set of reporting's tables BESIDE the live ones, which a rebuild
replays into while the reports go on reading (and the live consumer goes on writing) the live
tables; then switched in by copying it over the rebuilt projections' live tables in ONE
transaction (rebuild.py says when).

Why a copy in one transaction, and not the two usual alternatives:

- renaming shadow tables over the live ones: index and constraint names are per schema
  (PostgreSQL) or per database (SQLite), so a renamed shadow keeps its own index names and
  alembic then sees a schema that is not its chain's; SQLite cannot rename an index; the
  ORM models, the precompiled statements (chassis db.precompiled) and the migrations all name
  the live tables; and on PostgreSQL the rename takes an ACCESS EXCLUSIVE lock that queues
  every reader behind it.
- a generation column with an "active generation" pointer: every table, primary key, upsert,
  query and handler of every domain would carry it, and the old generation must be deleted
  afterwards anyway.

Here nothing in the domains changes. The shadow holds tables of the SAME names elsewhere — on
SQLite another database file (`<live file>.rebuild`), on PostgreSQL another schema
(`reporting_rebuild`, the shadow engine's search_path) — so the projections' handlers, the
precompiled SQL and the per-projection inbox and positions run unchanged against it. The
switch is plain DML on the live database, which sees the shadow as an attached database
(SQLite) or a qualified schema (PostgreSQL): DELETE + INSERT … SELECT per table, without
Python in the loop. Readers see the old rows until the commit and the new ones after (MVCC;
SQLite's WAL), never a mix; writers wait for it. The shadow is made afresh by each rebuild
(from the current models: no migration to keep) and dropped after it, switched or not.
"""
import os
import shutil
import tempfile
from contextlib import contextmanager
from types import SimpleNamespace

from sqlalchemy import MetaData, create_engine, delete, insert, select, update
from sqlalchemy.orm import sessionmaker

from services.chassis.db import DatabaseAccess, make_engine
from services.chassis.models import utcnow
from services.reporting.models import (Base, ProjectionInbox, ProjectionPosition,
                                       ReadModelGeneration)

SCHEMA = "reporting_rebuild"        # the shadow's schema (PostgreSQL) or attached name (SQLite)


class Shadow:
    def __init__(self, live_engine):
        self.live = live_engine
        self.postgres = live_engine.dialect.name == "postgresql"
        self._temporary = None
        if self.postgres:
            self.path = None
            self.engine = create_engine(live_engine.url, pool_size=2, max_overflow=2,
                                        pool_pre_ping=True,
                                        connect_args={"options": f"-csearch_path={SCHEMA}"})
        else:
            database = live_engine.url.database
            if database in (None, "", ":memory:"):              # tests: a file beside nothing
                self._temporary = tempfile.mkdtemp(prefix="reporting-rebuild-")
                database = os.path.join(self._temporary, "reporting.db")
            self.path = f"{database}.rebuild"
            self.engine = None
        self.db = None

    def create(self):
        """A fresh, empty shadow with every reporting table (leftovers of a crash dropped)."""
        self.drop()
        if self.postgres:
            with self.live.begin() as connection:
                connection.exec_driver_sql(f"CREATE SCHEMA {SCHEMA}")
        else:
            self.engine = make_engine(f"sqlite:///{self.path}")
        Base.metadata.create_all(self.engine)
        provider = SimpleNamespace(
            engine=self.engine, source="reporting", event_schemas={}, relay=None,
            sessionmaker=sessionmaker(bind=self.engine, expire_on_commit=False))
        self.db = DatabaseAccess(provider, worker_ctx=None)
        return self.db

    def drop(self):
        if self.engine is not None:
            self.engine.dispose()
        if self.postgres:
            with self.live.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
            return
        self.engine = None
        for suffix in ("", "-wal", "-shm", "-journal"):
            if os.path.exists(self.path + suffix):
                os.remove(self.path + suffix)

    def close(self):
        self.drop()
        if self._temporary:
            shutil.rmtree(self._temporary, ignore_errors=True)

    @contextmanager
    def beside_live(self):
        """A connection to the live database that also sees the shadow's tables (`tables`)."""
        with self.live.connect() as connection:
            if not self.postgres:
                # ATTACH cannot run inside a transaction: before the first DML statement.
                connection.exec_driver_sql(f"ATTACH DATABASE ? AS {SCHEMA}", (self.path,))
                connection.commit()
            try:
                yield connection
            finally:
                connection.rollback()
                if not self.postgres:
                    connection.exec_driver_sql(f"DETACH DATABASE {SCHEMA}")
                    connection.commit()


def shadow_of(table):
    """`table` as the shadow has it, for a connection from Shadow.beside_live."""
    return table.to_metadata(MetaData(), schema=SCHEMA)


def copy_over(connection, tables, names):
    """In the caller's transaction: the live `tables` (models) become the shadow's, and the
    projections `names`' inbox rows and positions become the shadow's (the others' are kept)."""
    for table in [getattr(model, "__table__", model) for model in tables]:
        columns = [column.name for column in table.columns]
        source = shadow_of(table)
        connection.execute(delete(table))
        connection.execute(insert(table).from_select(
            columns, select(*[source.c[name] for name in columns])))
    for model in (ProjectionInbox, ProjectionPosition):
        table = model.__table__
        columns = [column.name for column in table.columns]
        source = shadow_of(table)
        connection.execute(delete(table).where(table.c.projection.in_(names)))
        connection.execute(insert(table).from_select(
            columns, select(*[source.c[name] for name in columns])
            .where(source.c.projection.in_(names))))
    bump_generation(connection)


def bump_generation(connection):
    """The read models' generation + 1 (the figures cached from them are then stale: computed.py);
    no concurrent bump: the switch holds the lease."""
    table, now = ReadModelGeneration.__table__, utcnow()
    bumped = connection.execute(update(table).where(table.c.name == "tables").values(
        generation=table.c.generation + 1, switched_at=now))
    if not bumped.rowcount:
        connection.execute(insert(table).values(name="tables", generation=1, switched_at=now))
