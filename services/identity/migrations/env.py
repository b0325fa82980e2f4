"""Alembic entry point for identity: the chassis runner does the work (services/chassis/migrate.py)."""
from services.chassis.migrate import run_migrations
from services.identity.models import Base

run_migrations(Base.metadata)
