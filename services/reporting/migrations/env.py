"""Alembic entry point for reporting: the chassis runner does the work (services/chassis/migrate.py)."""
from services.chassis.migrate import run_migrations
from services.reporting.models import Base

run_migrations(Base.metadata)
