"""Alembic environment for procurement: the chassis runs it with this service's metadata."""
from services.chassis.migrate import run_migrations
from services.procurement.models import Base

run_migrations(Base.metadata)
