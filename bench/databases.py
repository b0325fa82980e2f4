"""The databases a bench run's services use: SQLite files in the run's directory (the embedded
default) or one PostgreSQL database per service on the machine's server (what production runs
on; TEST_POSTGRES_DSN, default the local trust-auth superuser: tests/postgres.py), created for
the run and dropped after it. Everything the harness reads from a service's database goes
through the URL it hands out here, so every scenario runs the same on both.
"""
import shutil
import sqlite3
import subprocess
import threading
import time
import uuid
from contextlib import contextmanager

import psycopg2
from sqlalchemy.engine import make_url

from services import registry
from tests import postgres

KINDS = ("sqlite", "postgresql")
pg_url, pg_admin = postgres.url, postgres.admin


@contextmanager
def scratch(kind, directory, prefix="scratch"):
    """One throw-away database of `kind`; yields its URL."""
    if kind == "sqlite":
        yield f"sqlite:///{directory}/{prefix}-{uuid.uuid4().hex[:8]}.db"
        return
    name = f"crm_bench_{uuid.uuid4().hex[:12]}"
    pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield pg_url(name)
    finally:
        pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Databases:
    """Every service's database for one run: `urls` (service → SQLAlchemy URL) for the system's
    environment, `copy(service, name)` for a snapshot of one (the monolith's), `drop()`."""

    def __init__(self, kind, workdir):
        assert kind in KINDS, kind
        self.kind, self.workdir = kind, workdir
        self.run = uuid.uuid4().hex[:8]
        self.created = []
        self.urls = {service.name: self._url(service.name) for service in registry.with_database()}

    def _url(self, name):
        if self.kind == "sqlite":
            return f"sqlite:///{self.workdir / (name + '.db')}"
        database = f"crm_bench_{self.run}_{name}"
        pg_admin(f'CREATE DATABASE "{database}"')
        self.created.append(database)
        return pg_url(database)

    def copy(self, service, name):
        """A snapshot of `service`'s database as it is now, while the service keeps running
        (SQLite's online backup; pg_dump | pg_restore); returns its URL."""
        source = make_url(self.urls[service])
        if self.kind == "sqlite":
            target = self.workdir / f"{name}.db"
            with sqlite3.connect(source.database) as original, sqlite3.connect(target) as copy:
                original.backup(copy)
            return f"sqlite:///{target}"
        database = f"crm_bench_{self.run}_{name}"
        pg_admin(f'CREATE DATABASE "{database}"')
        self.created.append(database)
        dump = subprocess.Popen([_tool("pg_dump"), "-Fc", "-h", "127.0.0.1", "-U", "postgres",
                                 source.database], stdout=subprocess.PIPE)
        restore = subprocess.run([_tool("pg_restore"), "-h", "127.0.0.1", "-U", "postgres",
                                  "--no-owner", "-d", database], stdin=dump.stdout,
                                 capture_output=True, text=True)
        dump.stdout.close()
        if dump.wait() or restore.returncode:
            raise RuntimeError(f"copying {source.database}: {restore.stderr[-2000:]}")
        return pg_url(database)

    def drop(self):
        if self.created:
            pg_admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in self.created))
            self.created = []


def _tool(name):
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is not installed (Debian: postgresql-client)")
    return found


# PostgreSQL's autovacuum defaults: a table is analyzed once this many of its rows changed
# since the last ANALYZE (threshold + scale × rows), vacuumed once this many are dead.
ANALYZE_THRESHOLD, ANALYZE_SCALE = 50, 0.1
VACUUM_THRESHOLD, VACUUM_SCALE = 50, 0.2
_TABLE_COUNTS = """SELECT s.relname, s.n_mod_since_analyze, s.n_dead_tup, c.reltuples
                   FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid"""


def autovacuum_due(tables):
    """[(statement, table)] autovacuum would run for `tables` [(name, changed since the last
    ANALYZE, dead rows, the planner's row count (-1: never analyzed))], by its defaults."""
    due = []
    for name, changed, dead, rows in tables:
        rows = max(rows, 0)
        if dead > VACUUM_THRESHOLD + VACUUM_SCALE * rows:
            due.append(("VACUUM ANALYZE", name))
        elif changed > ANALYZE_THRESHOLD + ANALYZE_SCALE * rows:
            due.append(("ANALYZE", name))
    return due


class Autovacuum:
    """A stand-in for PostgreSQL's autovacuum on a server that runs without it (this machine's:
    /etc/postgresql/15/main/conf.d/90-ci.conf sets autovacuum off): every `interval` seconds
    (autovacuum_naptime), in each database, VACUUM ANALYZE / ANALYZE the tables autovacuum
    would (autovacuum_due). Without it a service's tables keep the statistics the migrations'
    ANALYZE recorded on the new, empty database however large they grow, and PostgreSQL plans
    a million-row table's lookups as seq scans (bench/FINDINGS.md, eighth session)."""

    def __init__(self, names, interval=60.0):
        self.names, self.interval = list(names), interval
        self.runs = []                       # (database, statement, table, seconds)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="autovacuum", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()

    def _loop(self):
        while not self._stop.wait(self.interval):
            for name in self.names:
                try:
                    self.once(name)
                except psycopg2.Error:
                    pass                     # a database dropped under us: the run is ending

    def once(self, name):
        connection = psycopg2.connect(postgres.ADMIN_DSN, dbname=name)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(_TABLE_COUNTS)
                for statement, table in autovacuum_due(cursor.fetchall()):
                    started = time.monotonic()
                    cursor.execute(f'{statement} "{table}"')
                    self.runs.append((name, statement, table, time.monotonic() - started))
        finally:
            connection.close()
