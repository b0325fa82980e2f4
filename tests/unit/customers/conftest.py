"""Handlers over in-memory SQLite: a real unit of work with a relay that only records."""
import pytest

from services.customers.events import EVENT_SCHEMAS
from services.customers.models import Base
from tests.unit.chassis.fakes import make_db
from tests.unit.customers.support import EVERYONE, user_event


@pytest.fixture
def db(memory_engine):
    return make_db(memory_engine, Base.metadata, source="customers", event_schemas=EVENT_SCHEMAS)


@pytest.fixture
def people(db):
    """Every role known to the local users copy, as identity's events would put them there."""
    for principal in EVERYONE:
        user_event(db, principal)
    return db
