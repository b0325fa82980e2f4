"""Audit's alembic chain builds exactly its models and downgrades cleanly — on SQLite
and PostgreSQL."""
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from services.chassis import migrate
from services.chassis.db import make_engine
from services.chassis.models import ChassisBase
from services.audit.models import Base

pytestmark = pytest.mark.dialect_sensitive("alembic scripts")


def test_migrations_build_the_models_and_downgrade(database_url):
    migrate.upgrade("audit", database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, [ChassisBase.metadata, Base.metadata]) == []
        command.downgrade(migrate.alembic_config("audit", database_url), "base")
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    finally:
        engine.dispose()
