"""sales handlers over in-memory SQLite: a real unit of work with a relay that only records."""
import pytest

from services.sales.deals.handlers import pipeline
from services.sales.events import EVENT_SCHEMAS
from services.sales.models import Base
from tests.unit.chassis.fakes import make_db
from tests.unit.sales.support import EVERYONE, user_event


@pytest.fixture
def db(memory_engine):
    db = make_db(memory_engine, Base.metadata, source="sales", event_schemas=EVENT_SCHEMAS)
    with db.unit_of_work() as uow:
        pipeline.seed_default(uow.session)
    for principal in EVERYONE:
        user_event(db, principal)
    return db


@pytest.fixture
def product_series(db):
    """Products of two series, GTX and MG (product-line targets name a series)."""
    from tests.unit.sales.support import product
    return {"GTX": product(db, "GTX Pro", "100.00"),
            "MG": product(db, "MG Special", "50.00", series="MG")}
