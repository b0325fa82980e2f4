"""reporting in a real container beside the real customers and sales services and a fake
identity, on a real RabbitMQ vhost; reporting's database is the parametrised one (SQLite and PostgreSQL),
migrated by its alembic scripts."""
import pytest

from services.chassis import migrate
from services.chassis.db import create_schema, make_engine
from services.customers.service import CustomersService
from services.reporting.service import ReportingService
from services.sales.service import SalesService
from tests.integration.customers.fake_identity import FakeIdentity, IdentityBase


@pytest.fixture
def databases(database_url, monkeypatch, tmp_path):
    customers_url = f"sqlite:///{tmp_path / 'customers.db'}"
    identity_url = f"sqlite:///{tmp_path / 'identity.db'}"
    sales_url = f"sqlite:///{tmp_path / 'sales.db'}"
    monkeypatch.setenv("SALES_DATABASE_URL", sales_url)
    monkeypatch.setenv("REPORTING_DATABASE_URL", database_url)
    monkeypatch.setenv("CUSTOMERS_DATABASE_URL", customers_url)
    monkeypatch.setenv("IDENTITY_DATABASE_URL", identity_url)
    migrate.upgrade("reporting", database_url)
    migrate.upgrade("customers", customers_url)
    migrate.upgrade("sales", sales_url)
    engines = {"reporting": make_engine(database_url), "customers": make_engine(customers_url),
               "identity": make_engine(identity_url), "sales": make_engine(sales_url)}
    create_schema(engines["identity"], IdentityBase.metadata)
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture
def started(databases, rabbit_config, container_factory):
    """start(ServiceClass) → a running container, killed before the databases are dropped
    (container_factory alone would outlive them: nameko tears it down last)."""
    containers = []

    def start(service_class):
        container = container_factory(service_class, rabbit_config)
        container.start()
        containers.append(container)
        return container
    yield start
    for container in reversed(containers):
        container.kill()


@pytest.fixture
def producers(started):
    """Every producer reporting reads (its catch-up and reconcile ask each of them)."""
    return {"identity": started(FakeIdentity), "customers": started(CustomersService),
            "sales": started(SalesService)}


@pytest.fixture
def start_reporting(started):
    return lambda: started(ReportingService)
