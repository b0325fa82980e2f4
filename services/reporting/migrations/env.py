"""Alembic entry point for reporting: the chassis runner does the work (services/chassis/migrate.py)."""
from services.chassis.migrate import run_migrations
from services.reporting.domains import METADATA

run_migrations(METADATA)
