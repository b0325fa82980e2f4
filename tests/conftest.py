"""Fixtures shared by every test level."""
import os
import uuid

import psycopg2
import pytest
from sqlalchemy.orm import sessionmaker

from services import registry
from services.chassis.db import create_schema, make_engine

# Tests never bind the fixed metrics ports (several services share one process here) and never
# depend on the developer's environment for secrets.
for _service in registry.SERVICES:
    os.environ[_service.metrics_setting] = "0"
os.environ.setdefault("JWT_SECRET", "test-jwt-secret-" + "x" * 32)
os.environ.setdefault("CURSOR_SECRET", "test-cursor-secret")

PG_ADMIN_DSN = os.environ.get("TEST_POSTGRES_DSN", "dbname=postgres host=127.0.0.1 user=postgres")


def _pg_url(name):
    return f"postgresql+psycopg2://postgres@127.0.0.1:5432/{name}"


@pytest.fixture
def postgres_database():
    """A throw-away PostgreSQL database; yields its SQLAlchemy URL."""
    name = f"crm_test_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(PG_ADMIN_DSN)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    try:
        yield _pg_url(name)
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """Each integration test runs on the embedded default and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
    else:
        yield request.getfixturevalue("postgres_database")


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
