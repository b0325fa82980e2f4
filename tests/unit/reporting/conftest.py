"""Projections over in-memory SQLite: the real unit of work and inbox, no broker."""
import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import StaticPool

from services.reporting import computed
from services.reporting.domains import METADATA
from tests.unit.chassis.fakes import make_db
from tests.unit.reporting.sales_support import Sales
from tests.unit.reporting.support import Customers, Identity


@pytest.fixture(autouse=True)
def no_figures_cached_by_another_test():
    """Each test has databases of its own: a figure an earlier test cached (computed.py) under
    an equal data version must not answer."""
    computed.CACHE.clear()


@pytest.fixture
def db(memory_engine):
    return make_db(memory_engine, METADATA, source="reporting")


@pytest.fixture
def customers():
    return Customers()


@pytest.fixture
def sales():
    return Sales()


@pytest.fixture
def identity():
    return Identity()


@pytest.fixture
def fresh_db():
    """fresh_db() → another empty reporting database (for comparing delivery orders)."""
    engines = []

    def make():
        engine = create_engine("sqlite://", poolclass=StaticPool,
                               connect_args={"check_same_thread": False})
        engines.append(engine)
        return make_db(engine, METADATA, source="reporting")
    yield make
    for engine in engines:
        engine.dispose()
