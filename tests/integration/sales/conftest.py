"""sales in a real container on a real RabbitMQ vhost, on SQLite and PostgreSQL, beside a real
customers service (conversion) and a test identity that publishes users."""
import pytest

from services.chassis.db import create_schema, make_engine
from services.customers.service import CustomersService
from services.sales.service import SalesService
from tests.integration.customers.fake_identity import FakeIdentity, IdentityBase
from tests.integration.sales.support import EventLog


@pytest.fixture
def databases(dialect, migrated_database, monkeypatch, tmp_path):
    """sales on the parametrised dialect, customers on SQLite (copies of the run's migrated
    templates); identity's test double on SQLite."""
    urls = {"sales": migrated_database("sales", dialect), "customers": migrated_database("customers"),
            "identity": f"sqlite:///{tmp_path / 'identity.db'}"}
    for name, url in urls.items():
        monkeypatch.setenv(f"{name.upper()}_DATABASE_URL", url)
    engines = {name: make_engine(url) for name, url in urls.items()}
    create_schema(engines["identity"], IdentityBase.metadata)
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture
def services(container_factory, rabbit_config, databases):
    EventLog.received.clear()
    started = {}
    for name, cls in (("identity", FakeIdentity), ("customers", CustomersService),
                      ("sales", SalesService), ("listener", EventLog)):
        started[name] = container_factory(cls, rabbit_config)
        started[name].start()
    return started
