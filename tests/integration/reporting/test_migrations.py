"""reporting's alembic scripts build exactly its models, on SQLite and PostgreSQL."""
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from services.chassis import migrate
from services.chassis.db import make_engine
from services.chassis.models import ChassisBase
from services.reporting.domains import METADATA

pytestmark = pytest.mark.dialect_sensitive("alembic scripts")


def test_migrations_build_exactly_the_models_and_downgrade_cleanly(database_url):
    migrate.upgrade("reporting", database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, [ChassisBase.metadata, METADATA]) == []
        command.downgrade(migrate.alembic_config("reporting", database_url), "base")
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    finally:
        engine.dispose()
    migrate.upgrade("reporting", database_url)
