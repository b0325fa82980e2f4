"""The service desk's alembic chain builds exactly its models (the email channel's ticket_mail
included) and downgrades cleanly — on SQLite and PostgreSQL."""
import pytest

from services.service_desk.models import Base
from tests.integration.migrations import assert_chain_builds_the_models

pytestmark = pytest.mark.dialect_sensitive("alembic scripts")


def test_migrations_build_the_models_and_downgrade(database_url):
    assert_chain_builds_the_models("service_desk", database_url, Base.metadata)
