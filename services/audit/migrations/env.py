"""Alembic environment for audit: the chassis runs it with this service's metadata."""
from services.audit.models import Base
from services.chassis.migrate import run_migrations

run_migrations(Base.metadata)
