"""reporting's alembic scripts build exactly its models, on SQLite and PostgreSQL."""
import pytest
from alembic import command
from sqlalchemy import text

from services.chassis import migrate
from services.chassis.db import make_engine
from services.reporting.domains import METADATA
from tests.integration.migrations import assert_chain_builds_the_models

pytestmark = pytest.mark.dialect_sensitive("alembic scripts")


def test_migrations_build_exactly_the_models_and_downgrade_cleanly(database_url):
    assert_chain_builds_the_models("reporting", database_url, METADATA)
    migrate.upgrade("reporting", database_url)          # and up again after the downgrade


def test_the_per_projection_inbox_migration_moves_what_was_applied(database_url):
    """An upgraded database re-applies nothing: each inbox row goes to the projection its event
    type fed, each source's position to every projection of that source; the downgrade moves
    them back."""
    config = migrate.alembic_config("reporting", database_url)
    command.upgrade(config, "e5a1c0de7001")
    engine = make_engine(database_url)
    rows = [("e1", "customers", "customer_created", 1), ("e2", "customers", "interaction_logged", 2),
            ("e3", "sales", "deal_won", 7), ("e4", "sales", "payment_received", 8),
            ("e5", "identity", "user_created", 1)]
    try:
        with engine.begin() as connection:
            for event_id, source, event_type, sequence in rows:
                connection.execute(text(
                    "INSERT INTO inbox (event_id, source, event_type, sequence, processed_at) "
                    "VALUES (:e, :s, :t, :n, '2025-01-01 00:00:00+00:00')"),
                    {"e": event_id, "s": source, "t": event_type, "n": sequence})
            connection.execute(text("INSERT INTO consumer_position (source, last_sequence) "
                                    "VALUES ('customers', 2), ('sales', 8)"))
        command.upgrade(config, "head")
        with engine.connect() as connection:
            moved = set(connection.execute(text(
                "SELECT projection, event_id FROM projection_inbox")).all())
            positions = set(connection.execute(text(
                "SELECT projection, source, last_sequence FROM projection_position")).all())
            left = connection.execute(text("SELECT count(*) FROM inbox")).scalar()
        assert moved == {("customers", "e1"), ("interactions", "e2"), ("deals", "e3"),
                         ("cash", "e4"), ("users", "e5")}
        assert positions == {("customers", "customers", 2), ("interactions", "customers", 2),
                             ("deals", "sales", 8), ("cash", "sales", 8), ("targets", "sales", 8)}
        assert left == 0
        command.downgrade(config, "e5a1c0de7001")
        with engine.connect() as connection:
            back = set(connection.execute(text("SELECT event_id FROM inbox")).scalars())
            back_positions = set(connection.execute(text(
                "SELECT source, last_sequence FROM consumer_position")).all())
        assert back == {"e1", "e2", "e3", "e4", "e5"}
        assert back_positions == {("customers", 2), ("sales", 8)}
    finally:
        engine.dispose()
