"""The check every service's alembic chain gets (tests/integration/<service>/test_migrations.py):
upgraded on SQLite and PostgreSQL it builds exactly the service's models — a model changed
without its migration fails here — and its downgrade leaves an empty database."""
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from services.chassis import migrate
from services.chassis.db import make_engine
from services.chassis.models import ChassisBase


def assert_chain_builds_the_models(service, database_url, metadata):
    migrate.upgrade(service, database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, [ChassisBase.metadata, metadata]) == []
        command.downgrade(migrate.alembic_config(service, database_url), "base")
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    finally:
        engine.dispose()
