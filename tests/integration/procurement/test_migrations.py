"""Procurement's alembic chain builds exactly its models and downgrades cleanly — on SQLite
and PostgreSQL."""
import pytest

from services.procurement.models import Base
from tests.integration.migrations import assert_chain_builds_the_models

pytestmark = pytest.mark.dialect_sensitive("alembic scripts")


def test_migrations_build_the_models_and_downgrade(database_url):
    assert_chain_builds_the_models("procurement", database_url, Base.metadata)
