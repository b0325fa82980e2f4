"""The databases a bench run's services use: SQLite files in the run's directory (the embedded
default) or one PostgreSQL database per service on the machine's server (what production runs
on; TEST_POSTGRES_DSN, default the local trust-auth superuser: tests/postgres.py), created for
the run and dropped after it. Everything the harness reads from a service's database goes
through the URL it hands out here, so every scenario runs the same on both.
"""
import shutil
import sqlite3
import subprocess
import uuid
from contextlib import contextmanager

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
