"""Alembic environment for the service desk: the chassis runs it with this service's metadata."""
from services.chassis.migrate import run_migrations
from services.service_desk.models import Base

run_migrations(Base.metadata)
