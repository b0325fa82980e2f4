"""customers in a real container on a real RabbitMQ vhost, on SQLite and PostgreSQL."""
import pytest

from services.chassis.db import create_schema, make_engine
from services.customers.service import CustomersService
from tests.integration.customers.fake_identity import FakeIdentity, IdentityBase


@pytest.fixture
def databases(dialect, migrated_database, monkeypatch, tmp_path):
    """customers on the parametrised dialect, a copy of the run's migrated template; identity on SQLite."""
    customers_url = migrated_database("customers", dialect)
    identity_url = f"sqlite:///{tmp_path / 'identity.db'}"
    monkeypatch.setenv("CUSTOMERS_DATABASE_URL", customers_url)
    monkeypatch.setenv("IDENTITY_DATABASE_URL", identity_url)
    engines = {"customers": make_engine(customers_url), "identity": make_engine(identity_url)}
    create_schema(engines["identity"], IdentityBase.metadata)
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture
def services(container_factory, rabbit_config, databases):
    identity = container_factory(FakeIdentity, rabbit_config)
    customers = container_factory(CustomersService, rabbit_config)
    identity.start()
    customers.start()
    return {"identity": identity, "customers": customers}
