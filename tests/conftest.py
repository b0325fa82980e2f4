"""Fixtures shared by every test level.

Databases for the integration tests:
- `dialect` parametrises a test over "sqlite" and "postgresql". PostgreSQL runs by default only
  for tests marked `dialect_sensitive` (locks, upserts, concurrency, rebuild, migrations, text
  search, time arithmetic); TEST_ALL_DIALECTS=1 (`make test-all`) runs every test on both.
- `database_url`: an empty database of the test's dialect (for tests that build their own schema
  or prove alembic itself).
- `migrated_database(service, dialect)`: a new database at alembic's head, copied from a template
  migrated once per run (a file copy on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL).
"""
import contextlib
import os
import shutil
import sqlite3
import uuid

import pytest
from sqlalchemy.orm import sessionmaker

from services import registry
from services.chassis import migrate
from services.chassis.db import create_schema, make_engine
from tests import postgres

# Tests never bind the fixed metrics ports (several services share one process here) and never
# depend on the developer's environment for secrets.
for _service in registry.SERVICES:
    os.environ[_service.metrics_setting] = "0"
os.environ.setdefault("JWT_SECRET", "test-jwt-secret-" + "x" * 32)
os.environ.setdefault("CURSOR_SECRET", "test-cursor-secret")
# Tests publish and then call a consumer's catch-up at once: it reads the logs to their very end
# (a test of the settle time sets its own: tests/unit/chassis/test_catch_up_settle.py).
os.environ["CATCH_UP_SETTLE_SECONDS"] = "0"

PG_ADMIN_DSN = postgres.ADMIN_DSN
ALL_DIALECTS = os.environ.get("TEST_ALL_DIALECTS", "") not in ("", "0")
_pg_url, _pg_admin = postgres.url, postgres.admin


# --- choosing the dialects ------------------------------------------------------------------

def pytest_collection_modifyitems(config, items):
    """Deselect the PostgreSQL variant of a test that is not dialect-sensitive (unless
    TEST_ALL_DIALECTS=1, or it was asked for by its full id): its SQLite variant covers the
    same behaviour."""
    if ALL_DIALECTS:
        return
    named = {arg.split("::", 1)[1] for arg in config.args if "[" in arg and "::" in arg}
    kept, deselected = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("dialect") == "postgresql"
        if on_postgres and item.get_closest_marker("dialect_sensitive") is None \
                and item.nodeid.split("::", 1)[1] not in named:
            deselected.append(item)
        else:
            kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def dialect(request):
    """The database a test's service runs on (see the module docstring for which run)."""
    return request.param


# --- databases ------------------------------------------------------------------------------

# PostgreSQL databases are dropped after the test's whole teardown (hook below), when the
# containers using them are gone — nameko's container_factory is torn down last, after the
# vhost is deleted, which is what makes its teardown fast.
_DROP_AFTER_TEST = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if _DROP_AFTER_TEST:
        names, _DROP_AFTER_TEST[:] = list(_DROP_AFTER_TEST), []
        _pg_admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names))


def _new_pg_database(template=None):
    name = f"crm_test_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    _DROP_AFTER_TEST.append(name)
    return name


@pytest.fixture
def postgres_database():
    """A throw-away, empty PostgreSQL database; yields its SQLAlchemy URL."""
    return _pg_url(_new_pg_database())


@pytest.fixture
def database_url(dialect, tmp_path, request):
    """An empty database on the test's dialect."""
    if dialect == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return request.getfixturevalue("postgres_database")


class Templates:
    """One database per (service, dialect) migrated by alembic at first use, copied per test."""

    def __init__(self, directory):
        self.directory = directory
        self.built = {}

    def get(self, service, dialect):
        if (service, dialect) not in self.built:
            self.built[service, dialect] = self._build(service, dialect)
        return self.built[service, dialect]

    def _build(self, service, dialect):
        if dialect == "sqlite":
            path = self.directory / f"{service}.db"
            migrate.upgrade(service, f"sqlite:///{path}")
            with contextlib.closing(sqlite3.connect(path)) as connection:
                connection.execute("PRAGMA journal_mode=DELETE")     # one self-contained file
            return path
        name = f"crm_template_{service}_{uuid.uuid4().hex[:8]}"
        _pg_admin(f'CREATE DATABASE "{name}"')
        try:
            migrate.upgrade(service, _pg_url(name))     # disposes its engines: no connection left
        except BaseException:
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            raise
        return name

    def drop(self):
        names = [name for (_service, dialect), name in self.built.items() if dialect == "postgresql"]
        if names:
            _pg_admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names))


@pytest.fixture(scope="session")
def migration_templates(tmp_path_factory):
    templates = Templates(tmp_path_factory.mktemp("templates"))
    yield templates
    templates.drop()


@pytest.fixture
def migrated_database(migration_templates, tmp_path):
    """migrated_database(service, dialect="sqlite") → the URL of a new database at alembic's
    head (with whatever the migrations seed), a copy of the run's template for that service."""
    def make(service, dialect="sqlite"):
        template = migration_templates.get(service, dialect)
        if dialect == "postgresql":
            return _pg_url(_new_pg_database(template))
        path = tmp_path / f"{service}.db"
        if path.exists():
            path = tmp_path / f"{service}-{uuid.uuid4().hex[:6]}.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    return make


def make_session_factory(url, *metadatas):
    engine = make_engine(url)
    create_schema(engine, *metadatas)
    return engine, sessionmaker(bind=engine, expire_on_commit=False)


@pytest.fixture
def memory_engine():
    """In-memory SQLite for unit tests (one connection, so the data survives between sessions)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool
    engine = create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
    yield engine
    engine.dispose()


# --- a real SMTP server ---------------------------------------------------------------------

@pytest.fixture
def smtp_server(tmp_path, monkeypatch):
    """A real SMTP server (aiosmtpd, its own process: tests/smtp_server.py) on a free port, with
    the SMTP_* settings pointing at it; stopped afterwards."""
    from tests.smtp_server import SmtpServer
    server = SmtpServer(tmp_path / "smtp").start()
    for name, value in server.environment().items():
        monkeypatch.setenv(name, value)
    yield server
    server.stop()
