"""sales' alembic scripts build exactly its models, seed the default pipeline, and downgrade
cleanly — on SQLite and PostgreSQL."""
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from services.chassis import migrate
from services.chassis.db import make_engine
from services.chassis.models import ChassisBase
from services.sales.deals.handlers.pipeline import DEFAULT_PIPELINE
from services.sales.deals.models import PipelineStage
from services.sales.models import Base

pytestmark = pytest.mark.dialect_sensitive("alembic scripts")


def test_migrations_build_the_models_seed_the_pipeline_and_downgrade(database_url):
    migrate.upgrade("sales", database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, [ChassisBase.metadata, Base.metadata]) == []
            stages = connection.execute(select(
                PipelineStage.key, PipelineStage.name, PipelineStage.probability,
                PipelineStage.kind).order_by(PipelineStage.position)).all()
        assert [tuple(row) for row in stages] == list(DEFAULT_PIPELINE)
        command.downgrade(migrate.alembic_config("sales", database_url), "base")
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    finally:
        engine.dispose()
    migrate.upgrade("sales", database_url)
