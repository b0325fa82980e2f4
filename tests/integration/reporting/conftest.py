"""reporting in a real container beside the real customers and sales services and a fake
identity, on a real RabbitMQ vhost; reporting's database on the parametrised dialect,
a copy of the run's template migrated by its alembic scripts."""
import pytest

from services.chassis.db import create_schema, make_engine
from services.customers.service import CustomersService
from services.marketing.service import MarketingService
from services.procurement.service import ProcurementService
from services.reporting import computed
from services.reporting.service import ReportingService
from services.sales.service import SalesService
from services.service_desk.service import ServiceDeskService
from tests.integration.customers.fake_identity import FakeIdentity, IdentityBase


@pytest.fixture(autouse=True)
def no_figures_cached_by_another_test():
    """Each test has databases of its own: a figure an earlier test cached (computed.py) under
    an equal data version must not answer."""
    computed.CACHE.clear()


@pytest.fixture
def databases(dialect, migrated_database, monkeypatch, tmp_path):
    """reporting on the parametrised dialect, the producers on SQLite (copies of the run's
    migrated templates); identity's test double on SQLite."""
    reporting_url = migrated_database("reporting", dialect)
    customers_url = migrated_database("customers")
    sales_url = migrated_database("sales")
    marketing_url = migrated_database("marketing")
    desk_url = migrated_database("service_desk")
    procurement_url = migrated_database("procurement")
    identity_url = f"sqlite:///{tmp_path / 'identity.db'}"
    monkeypatch.setenv("SALES_DATABASE_URL", sales_url)
    monkeypatch.setenv("REPORTING_DATABASE_URL", reporting_url)
    monkeypatch.setenv("CUSTOMERS_DATABASE_URL", customers_url)
    monkeypatch.setenv("IDENTITY_DATABASE_URL", identity_url)
    monkeypatch.setenv("MARKETING_DATABASE_URL", marketing_url)
    monkeypatch.setenv("SERVICE_DESK_DATABASE_URL", desk_url)
    monkeypatch.setenv("PROCUREMENT_DATABASE_URL", procurement_url)
    engines = {"reporting": make_engine(reporting_url), "customers": make_engine(customers_url),
               "identity": make_engine(identity_url), "sales": make_engine(sales_url),
               "marketing": make_engine(marketing_url), "service_desk": make_engine(desk_url),
               "procurement": make_engine(procurement_url)}
    create_schema(engines["identity"], IdentityBase.metadata)
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture
def started(databases, rabbit_config, container_factory):
    """start(ServiceClass) → a running container. nameko kills it after deleting the test's
    vhost (a fast teardown); the databases are dropped after that (tests/conftest.py)."""
    def start(service_class):
        container = container_factory(service_class, rabbit_config)
        container.start()
        return container
    return start


@pytest.fixture
def producers(started):
    """Every producer reporting reads (its catch-up and reconcile ask each of them)."""
    return {"identity": started(FakeIdentity), "customers": started(CustomersService),
            "sales": started(SalesService), "marketing": started(MarketingService),
            "service_desk": started(ServiceDeskService),
            "procurement": started(ProcurementService)}


@pytest.fixture
def start_reporting(started):
    return lambda: started(ReportingService)


@pytest.fixture
def reporting(producers, databases, start_reporting):
    """reporting running before anything is written (it hears every event live, the managers'
    teams too), once sales knows the people (their deals are then owned and scoped)."""
    from tests.integration.reporting.sales_support import wait_for_sales_users
    from tests.integration.reporting.support import publish_people
    container = start_reporting()
    publish_people(producers, databases)
    wait_for_sales_users(databases)
    return container
