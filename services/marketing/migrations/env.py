"""Alembic environment for marketing: the chassis runs it with this service's metadata."""
from services.chassis.migrate import run_migrations
from services.marketing.models import Base

run_migrations(Base.metadata)
